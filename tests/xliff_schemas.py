"""Validation of XLIFF files against the official OASIS schemas kept in tests/data/schemas, without a network."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"
XLIFF12_STRICT = SCHEMAS / "xliff-1.2" / "xliff-core-1.2-strict.xsd"
XLIFF2_CORE = SCHEMAS / "xliff-2.1" / "xliff_core_2.0.xsd"
XLIFF2_METADATA = SCHEMAS / "xliff-2.1" / "metadata.xsd"
W3C_XML = SCHEMAS / "xliff-2.1" / "informativeCopiesOf3rdPartySchemas" / "w3c" / "xml.xsd"
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
#: The schema location the 1.2 schema imports `xml:lang`/`xml:space` from, answered with the local copy.
W3C_XML_URL = "http://www.w3.org/2001/xml.xsd"


class _LocalXmlXsd(etree.Resolver):  # type: ignore[misc]
    """Answers the W3C xml.xsd URL with the local copy, so no schema loading goes to the network."""

    def resolve(self, url: str, pubid: str | None, context: Any) -> Any:
        if url == W3C_XML_URL:
            return self.resolve_filename(str(W3C_XML), context)
        return None


def _parser() -> Any:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalXmlXsd())
    return parser


@functools.cache
def xliff12_strict() -> Any:
    """The OASIS XLIFF 1.2 strict schema."""
    return etree.XMLSchema(etree.parse(str(XLIFF12_STRICT), _parser()))


@functools.cache
def xliff2() -> Any:
    """The OASIS XLIFF 2.x core schema with the metadata module (`mda`), which tmkit writes."""
    driver = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:import namespace="{XLIFF2_NS}" schemaLocation="{XLIFF2_CORE.as_uri()}"/>'
        f'<xs:import namespace="urn:oasis:names:tc:xliff:metadata:2.0" schemaLocation="{XLIFF2_METADATA.as_uri()}"/>'
        "</xs:schema>"
    )
    return etree.XMLSchema(etree.fromstring(driver, _parser(), base_url=str(SCHEMAS / "driver.xsd")))


def _code_id_problems(root: Any) -> list[str]:
    """XLIFF 2 rules the schema cannot express: code ids unique in a source or target, data references resolved."""
    ns = {"x": XLIFF2_NS}
    problems: list[str] = []
    for unit in root.iterfind(".//x:unit", ns):
        data_ids = {d.get("id") for d in unit.iterfind(".//x:data", ns)}
        for side in ("source", "target"):
            seen: dict[str, str] = {}
            for elem in unit.iterfind(f".//x:{side}//*", ns):
                local = etree.QName(elem).localname
                if local in ("sc", "ph", "pc", "mrk", "sm") or (local == "ec" and elem.get("id")):
                    ident = elem.get("id")
                    if ident in seen:
                        problems.append(f"unit {unit.get('id')}: id {ident!r} used twice in its {side}")
                    seen[ident] = local
                ref = elem.get("dataRef")
                if ref is not None and ref not in data_ids:
                    problems.append(f"unit {unit.get('id')}: dataRef {ref!r} has no <data>")
    return problems


def schema_problems(path: str | Path) -> list[str]:
    """What the official schema (and, for 2.x, its id rules) finds wrong with an XLIFF file; empty when valid."""
    tree = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))
    root = tree.getroot()
    schema = xliff12_strict() if etree.QName(root).namespace == XLIFF12_NS else xliff2()
    problems = [] if schema.validate(tree) else [f"line {e.line}: {e.message}" for e in schema.error_log]
    if etree.QName(root).namespace == XLIFF2_NS:
        problems += _code_id_problems(root)
    return problems
