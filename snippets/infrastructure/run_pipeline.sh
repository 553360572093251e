uv run python gpu_pipeline.py
