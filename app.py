"""`python app.py [--host H] [--port P]`: the web chat and the HTTP APIs (the same as `rag serve`)."""

from rag.errors import RagError
from rag.server import main

if __name__ == "__main__":
    try:
        main()
    except RagError as exc:  # a friendly line, as `rag serve` gives
        raise SystemExit(f"error: {exc}") from None
