"""The index: chunking, embedding, the store on disk and the ingest that writes it."""
