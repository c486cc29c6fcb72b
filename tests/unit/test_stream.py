"""EmbedStream: chunks are embedded in the background while parsing goes on (fake embedder)."""

from __future__ import annotations

import threading

import pytest

from rag.index.stream import EmbedStream
from rag.records import Chunk, Document, sha256_text
from tests.conftest import FakeEmbedder


def _doc(i: int, sentences: int = 3) -> tuple[Document, list[Chunk]]:
    text = " ".join(f"Article {i} sentence {k} says something new." for k in range(sentences))
    doc = Document(f"d{i}.txt", f"d{i}.txt", f"Title {i}", text, "0" * 64)
    return doc, [Chunk(0, doc.doc_id, text, 0, len(text), 30, doc.title)]


class Recording(FakeEmbedder):
    """Notes when each batch starts, and can block until told to go on."""

    def __init__(self, fail: bool = False):
        super().__init__()
        self.events: list[str] = []
        self.fail = fail
        self.go = threading.Event()
        self.go.set()

    def embed_batch(self, texts):
        self.events.append("embed")
        self.go.wait(timeout=10)
        if self.fail:
            raise MemoryError("out of memory while embedding")
        return super().embed_batch(texts)


def test_every_new_chunk_and_sentence_gets_a_vector_once():
    fake = FakeEmbedder()
    docs = [_doc(i) for i in range(10)]
    known = sha256_text(docs[0][1][0].embed_text)  # in the previous index already
    stream = EmbedStream(fake, pooled=True, skip_chunks={known}, batch=4)
    for doc, chunks in docs + docs[3:5]:  # two articles' chunks come again (duplicates)
        stream.submit(doc, chunks)
    stream.finish()
    stream.close()
    assert set(stream.chunk_vectors) == {sha256_text(c.embed_text) for _, cs in docs[1:] for c in cs}
    assert len(stream.sentence_vectors) == 9 * 3  # every sentence of every embedded chunk
    assert fake.embedded == 9 + 9 * 3  # the fake embedder reads each sentence alone


def test_batches_are_embedded_while_parsing_goes_on():
    fake = Recording()
    stream = EmbedStream(fake, pooled=False, batch=2)
    for i in range(6):
        stream.submit(*_doc(i))
        fake.events.append(f"submitted {i}")
        if i == 3:
            for _ in range(200):  # the first batch reaches the model before parsing ends
                if "embed" in fake.events:
                    break
                threading.Event().wait(0.01)
    stream.finish()
    assert fake.events.index("embed") < fake.events.index("submitted 5")
    assert len(stream.chunk_vectors) == 6


def test_a_fast_parser_waits_for_the_model_rather_than_queueing_the_archive():
    fake = Recording()
    fake.go.clear()  # the model is stuck on the first batch
    stream = EmbedStream(fake, pooled=False, batch=1, depth=2)
    submitted = []

    def parse() -> None:
        for i in range(20):
            stream.submit(*_doc(i))
            submitted.append(i)

    t = threading.Thread(target=parse, daemon=True)
    t.start()
    t.join(timeout=1.0)
    assert t.is_alive() and len(submitted) <= 4  # one batch in the model, two queued, one being put
    fake.go.set()
    t.join(timeout=10)
    stream.finish()
    assert len(submitted) == 20 and len(stream.chunk_vectors) == 20


def test_an_error_in_the_model_reaches_the_caller():
    stream = EmbedStream(Recording(fail=True), pooled=True, batch=1)
    with pytest.raises(MemoryError):
        for i in range(50):
            stream.submit(*_doc(i))
        stream.finish()
    stream.close()


def test_close_after_a_parse_error_does_not_hang():
    fake = Recording()
    stream = EmbedStream(fake, pooled=True, batch=100)
    stream.submit(*_doc(1))  # below one batch: still pending, the worker waits on the queue
    stream.close()
    assert not stream._worker.is_alive() and len(stream.chunk_vectors) == 0
