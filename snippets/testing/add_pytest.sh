uv add --dev pytest
