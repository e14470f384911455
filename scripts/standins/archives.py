#!/usr/bin/env python3
"""One process serving the archive stand-ins, each on its own loopback port (kernel-chosen):
  NBIA  — TCIA NBIA Search REST API v4 (nbia.py), base http://127.0.0.1:P/nbia-api/services/v4
  FHIR  — SIIM-hackathon FHIR R4 behind an apikey gateway (fhir.py), base .../fhir-r4
  ISIC  — ISIC Archive API v2 (isic.py), base .../api/v2
  ISIC files — the image host (object storage, another origin than the API), JPEGs under /files/
  IDC   — IDC's DICOMweb proxy (idc.py) in front of the test Orthanc's CORS port
Each port also answers /_control/ (fault injection, see common.py) and CORS preflights.

Usage: archives.py --state DIR --corpus DICOM_CORPUS --fhir-data FHIR_DATA --dicomweb-env DICOMWEB_STATE/env
Writes DIR/env (KEY=VALUE lines: URLs and fixture facts) once every port listens; exits
non-zero with a message if any fixture cannot be built. SIGTERM/SIGINT stop it cleanly.
"""
import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import StandinServer  # noqa: E402
from dicomtags import read_tags  # noqa: E402
from fhir import PREFIX as FHIR_PREFIX, FhirHandler, FhirStore, load_personas  # noqa: E402
from fhir_data import ACCESSION_1, PERSONA, build_resources  # noqa: E402
from idc import PREFIX as IDC_PREFIX, IdcProxyHandler  # noqa: E402
from isic import IsicArchive, IsicFilesHandler, IsicHandler  # noqa: E402
from nbia import NbiaArchive, NbiaHandler  # noqa: E402


def read_env(path):
    values = {}
    with open(path) as handle:
        for line in handle:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                values[key] = value
    for key in ("DICOMWEB_APIKEY", "DICOMWEB_APIKEY_URL", "DICOMWEB_CORS_URL", "DICOMWEB_INSTANCES_TSV",
                "MR_STUDY_UID"):
        if not values.get(key):
            raise RuntimeError(f"{path} lacks {key} (start scripts/dicomweb-servers.sh first)")
    return values


def fhir_store(env, corpus, fhir_data):
    rows = [line.rstrip("\n").split("\t") for line in open(env["DICOMWEB_INSTANCES_TSV"]) if line.strip()]
    ct_rows = [r for r in rows if len(r) == 4 and r[3] == "wg04/REF/CT1_UNC"]
    if not ct_rows:
        raise RuntimeError("wg04/REF/CT1_UNC is not in DICOMWEB_INSTANCES_TSV (was it uploaded?)")
    mr_tags, ct_tags = read_tags([os.path.join(corpus, "mr-series-128/slice0.dcm"),
                                  os.path.join(corpus, "wg04/REF/CT1_UNC")])
    if mr_tags.get("StudyInstanceUID") != env["MR_STUDY_UID"]:
        raise RuntimeError("mr-series-128/slice0.dcm's StudyInstanceUID differs from MR_STUDY_UID")
    resources = build_resources([r for r in rows if len(r) == 4], env["DICOMWEB_APIKEY_URL"],
                                (env["MR_STUDY_UID"], mr_tags), (ct_rows[0][1], ct_tags))
    personas = load_personas(os.path.join(fhir_data, "siim-hackathon", "personas-r4.json"))
    clash = sorted(set(personas) & set(resources))
    if clash:
        raise RuntimeError(f"extra-case fixtures reuse persona ids: {clash}")
    return FhirStore({**personas, **resources}, env["DICOMWEB_APIKEY"]), ct_rows[0][1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--dicomweb-env", required=True)
    parser.add_argument("--fhir-data", required=True, help="folder holding siim-hackathon/personas-r4.json")
    args = parser.parse_args()

    env = read_env(args.dicomweb_env)
    nbia = StandinServer("nbia", NbiaHandler, NbiaArchive(os.path.join(args.corpus, "mr-series-128"), read_tags))
    store, ct_study = fhir_store(env, args.corpus, args.fhir_data)
    patient_count = sum(1 for (kind, _) in store.resources if kind == "Patient")
    fhir = StandinServer("fhir", FhirHandler, store)
    isic = StandinServer("isic", IsicHandler, None)
    isic_files = StandinServer("isic-files", IsicFilesHandler, None)
    isic.app = isic_files.app = IsicArchive(os.path.join(args.state, "isic-files"), isic_files.base)
    idc = StandinServer("idc", IdcProxyHandler, env["DICOMWEB_CORS_URL"].rstrip("/"))
    servers = [nbia, fhir, isic, isic_files, idc]

    facts = {
        "NBIA_URL": f"{nbia.base}/nbia-api/services/v4", "NBIA_BASE": nbia.base,
        "FHIR_URL": f"{fhir.base}{FHIR_PREFIX}", "FHIR_BASE": fhir.base, "FHIR_APIKEY": store.apikey,
        "FHIR_PATIENT_ID": PERSONA, "FHIR_PATIENT_FAMILY": "Quill", "FHIR_PATIENT_COUNT": str(patient_count),
        "FHIR_PERSONA_ID": "siimjoe", "FHIR_PERSONA_GIVEN": "Joe", "FHIR_PERSONA_MEDICATION_ID": "siimsally",
        "FHIR_STUDY_UID": env["MR_STUDY_UID"], "FHIR_STUDY_ID": ACCESSION_1,
        "FHIR_CT_STUDY_UID": ct_study, "FHIR_ENDPOINT_ADDRESS": env["DICOMWEB_APIKEY_URL"],
        "ISIC_URL": f"{isic.base}/api/v2", "ISIC_BASE": isic.base, "ISIC_FILES_BASE": isic_files.base,
        "IDC_URL": f"{idc.base}{IDC_PREFIX}", "IDC_BASE": idc.base,
        "ISIC_IMAGE_ID": "ISIC_0000001", "ISIC_IMAGE_COUNT": str(len(isic.app.images)),
        **nbia.app.facts(),
    }
    bad = [k for k, v in facts.items() if not v or any(c in v for c in " \t'\"$`\\")]
    if bad:  # the env file is sourced by bash: values must need no quoting
        raise RuntimeError(f"env values need quoting: {bad}")
    for server in servers:
        threading.Thread(target=server.serve_forever, name=server.name, daemon=True).start()
    tmp = os.path.join(args.state, "env.tmp")
    with open(tmp, "w") as handle:
        handle.writelines(f"{k}={v}\n" for k, v in facts.items())
    os.replace(tmp, os.path.join(args.state, "env"))
    print(f"archives: ready: {' '.join(f'{s.name}={s.base}' for s in servers)}", file=sys.stderr, flush=True)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, OSError) as error:
        print(f"archives: error: {error}", file=sys.stderr)
        sys.exit(1)
