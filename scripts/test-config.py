#!/usr/bin/env python3
"""Writes the config.json the browser tests serve: the shipped public/config.json with every
preset pointed at a local stand-in (SIIM DICOMweb -> Orthanc's apikey port, IDC -> the IDC proxy
stand-in in front of Orthanc's CORS port, FHIR/NBIA/ISIC -> scripts/standins), plus two plain test servers (the CORS port and the
fault-injecting port). Reads the addresses from the environment written by
scripts/dicomweb-servers.sh and scripts/standins.sh. Usage: test-config.py OUT.json"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
config = json.load(open(os.path.join(here, "..", "public", "config.json")))
env = os.environ


def point(source, url, **flags):
    configuration = source["configuration"]
    configuration["qidoRoot"] = configuration["wadoRoot"] = url
    configuration.update(flags)


for source in config["dataSources"]:
    name = source["sourceName"]
    if name == "siim-hackathon":
        point(source, env["DICOMWEB_APIKEY_URL"])
    elif name == "idc":
        point(source, env["IDC_URL"])


def plain(name, friendly, url, thumbnails):
    return {"sourceName": name, "configuration": {
        "friendlyName": friendly, "name": name, "qidoRoot": url, "wadoRoot": url,
        "qidoSupportsIncludeField": True, "supportsWildcard": True, "supportsFuzzyMatching": False,
        "bulkDataURI": {"enabled": True}, "omitQuotationForMultipartRequest": True,
        "thumbnailRendering": thumbnails, "auth": "none"}}


config["dataSources"] += [
    plain("orthanc", "Test Orthanc", env["DICOMWEB_CORS_URL"], "rendered"),
    plain("orthanc-faults", "Test Orthanc (faults)", env["DICOMWEB_FAULTS_URL"], "wadors"),
]
config["defaultDataSourceName"] = "orthanc"
archives = config["archives"]
archives["fhir"][0]["fhirRoot"] = env["FHIR_URL"]
# Two patients per page, so the list pages (Bundle next links) with the stand-in's three.
archives["fhir"][0]["pageSize"] = 2
archives["nbia"][0]["nbiaRoot"] = env["NBIA_URL"]
archives["isic"][0]["apiRoot"] = env["ISIC_URL"]
# Pages allowed to drive an embedded viewer (tests/e2e_embed.rs): space-separated origins.
config.setdefault("embed", {})["allowedOrigins"] = env.get("EMBED_ALLOWED_ORIGINS", "").split()
json.dump(config, open(sys.argv[1], "w"), indent=2)
