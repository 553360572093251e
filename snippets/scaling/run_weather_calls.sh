uv run python weather_calls.py
