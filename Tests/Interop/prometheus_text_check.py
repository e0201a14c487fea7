"""Parses a /metrics body with prometheus_client's own text-format parser (the one Prometheus'
Python client uses to read the exposition format) and prints what it found as JSON:
{family name: {"type": ..., "help": ..., "samples": [[sample name, labels, value], ...]}}.
A body the parser refuses exits non-zero with its error.

usage: prometheus_text_check.py FILE
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        text = handle.read()
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = {
            "type": family.type,
            "help": family.documentation,
            "samples": [[sample.name, sample.labels, sample.value] for sample in family.samples],
        }
    json.dump(families, sys.stdout)


if __name__ == "__main__":
    main()
