uv run prefect task serve background_tasks.py:count_words
