uv sync --compile-bytecode
