"""Programs' ways in: the JSON and OpenAI-compatible HTTP APIs (`app.py`, `chat.py`, `schemas.py`)
and the MCP server (`mcp.py`, `rag mcp`). Nothing heavy is imported until one is built."""
