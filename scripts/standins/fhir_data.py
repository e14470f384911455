"""Fixture resources for the FHIR R4 stand-in (SIIM hackathon style): one persona with two
conditions, two medications, two DiagnosticReports and two ImagingStudies pointing at real
studies in the test Orthanc, plus two minimal patients (the third has no studies at all).

Resource shapes follow the HL7 FHIR R4 spec (hl7.org/fhir/R4): ImagingStudy (identifier with
system "urn:dicom:uid" and value "urn:oid:<StudyInstanceUID>", modality as Coding list from
http://dicom.nema.org/resources/ontology/DCM, numberOfSeries/numberOfInstances, endpoint,
series[].uid/number/modality/numberOfInstances), Endpoint (connectionType dicom-wado-rs from
http://terminology.hl7.org/CodeSystem/endpoint-connection-type, payloadType, address),
DiagnosticReport (code.text, effectiveDateTime, conclusion, presentedForm Attachment with base64
`data`, imagingStudy references), Condition, MedicationRequest.
Hackathon convention reproduced: for one pair DiagnosticReport.id == ImagingStudy.id == the
accession number; the other pair is linked only through DiagnosticReport.imagingStudy.
The persona is fictional; codes are given as text only (no terminology codes are claimed).
"""
import base64
import collections

DCM = "http://dicom.nema.org/resources/ontology/DCM"
PERSONA = "pat-marlowe"
ACCESSION_1 = "a50197432"  # id of ImagingStudy AND DiagnosticReport of pair 1 (hackathon style)


def _text_concept(text):
    return {"text": text}


def _patient(pid, family, given, gender, birth):
    return {"resourceType": "Patient", "id": pid,
            "identifier": [{"system": "urn:siim-standin:mrn", "value": pid.upper()}],
            "active": True, "name": [{"use": "official", "family": family, "given": [given]}],
            "gender": gender, "birthDate": birth}


def _study_from_tsv(rows, study_uid, tags):
    """Counts series and distinct instances of one study from DICOMWEB_INSTANCES_TSV rows."""
    per_series = collections.OrderedDict()
    for sop, study, series, _path in rows:
        if study == study_uid:
            per_series.setdefault(series, set()).add(sop)
    if not per_series:
        raise RuntimeError(f"study {study_uid} is not in DICOMWEB_INSTANCES_TSV")
    return per_series


def _imaging_study(sid, accession, study_uid, per_series, tags, started, description):
    modality = tags.get("Modality", "OT")
    return {
        "resourceType": "ImagingStudy", "id": sid, "status": "available",
        "identifier": [
            {"system": "urn:dicom:uid", "value": f"urn:oid:{study_uid}"},
            {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "ACSN"}]},
             "value": accession}],
        "modality": [{"system": DCM, "code": modality}],
        "subject": {"reference": f"Patient/{PERSONA}"},
        "started": started, "description": description,
        "endpoint": [{"reference": "Endpoint/e1"}],
        "numberOfSeries": len(per_series),
        "numberOfInstances": sum(len(s) for s in per_series.values()),
        "series": [{"uid": uid, "number": number, "modality": {"system": DCM, "code": modality},
                    "numberOfInstances": len(sops)}
                   for number, (uid, sops) in enumerate(per_series.items(), start=1)],
    }


def _report(rid, code_text, when, conclusion, study_id):
    text = f"{code_text}\nDate: {when}\nImpression: {conclusion}\n"
    return {"resourceType": "DiagnosticReport", "id": rid, "status": "final",
            "code": _text_concept(code_text), "subject": {"reference": f"Patient/{PERSONA}"},
            "effectiveDateTime": when, "issued": when, "conclusion": conclusion,
            "imagingStudy": [{"reference": f"ImagingStudy/{study_id}"}],
            "presentedForm": [{"contentType": "text/plain", "language": "en",
                               "data": base64.b64encode(text.encode()).decode(), "title": code_text}]}


def build_resources(rows, endpoint_address, mr, ct):
    """rows: TSV rows; mr/ct: (StudyInstanceUID, tags dict of a file of that study)."""
    mr_series = _study_from_tsv(rows, mr[0], mr[1])
    ct_series = _study_from_tsv(rows, ct[0], ct[1])
    study_2 = "imgstudy-ct-2019"
    resources = [
        _patient(PERSONA, "Quill", "Marlowe", "female", "1971-03-14"),
        _patient("pat-ostrander", "Ostrander", "Ivo", "male", "1958-09-02"),
        _patient("pat-nakamura", "Nakamura", "Reiko", "female", "1990-12-30"),
        {"resourceType": "Endpoint", "id": "e1", "status": "active",
         "connectionType": {"system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
                            "code": "dicom-wado-rs"},
         "name": "Test DICOMweb (apikey header)",
         "payloadType": [{"text": "DICOM WADO-RS"}], "payloadMimeType": ["application/dicom"],
         "address": endpoint_address},
        {"resourceType": "Condition", "id": "cond-migraine", "subject": {"reference": f"Patient/{PERSONA}"},
         "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                        "code": "active"}]},
         "code": _text_concept("Migraine with aura"), "onsetDateTime": "2018-05-02"},
        {"resourceType": "Condition", "id": "cond-cough", "subject": {"reference": f"Patient/{PERSONA}"},
         "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                        "code": "resolved"}]},
         "code": _text_concept("Persistent cough"), "onsetDateTime": "2019-01-20"},
        {"resourceType": "Condition", "id": "cond-ostrander", "subject": {"reference": "Patient/pat-ostrander"},
         "code": _text_concept("Knee pain"), "onsetDateTime": "2021-07-01"},
        {"resourceType": "MedicationRequest", "id": "med-1", "status": "active", "intent": "order",
         "subject": {"reference": f"Patient/{PERSONA}"}, "authoredOn": "2018-05-03",
         "medicationCodeableConcept": _text_concept("Sumatriptan 50 mg oral tablet"),
         "dosageInstruction": [{"text": "1 tablet at onset of migraine, max 2 per day"}]},
        {"resourceType": "MedicationRequest", "id": "med-2", "status": "completed", "intent": "order",
         "subject": {"reference": f"Patient/{PERSONA}"}, "authoredOn": "2019-01-22",
         "medicationCodeableConcept": _text_concept("Benzonatate 100 mg oral capsule"),
         "dosageInstruction": [{"text": "1 capsule three times daily for 7 days"}]},
        _imaging_study(ACCESSION_1, ACCESSION_1, mr[0], mr_series, mr[1], "2023-10-16T09:30:00Z",
                       "MR brain without contrast"),
        _imaging_study(study_2, "a61120018", ct[0], ct_series, ct[1], "2019-01-25T14:05:00Z",
                       "CT chest"),
        _report(ACCESSION_1, "MR Brain without contrast", "2023-10-16T11:00:00Z",
                "No acute intracranial abnormality.", ACCESSION_1),
        _report("report-ct-2019", "CT Chest", "2019-01-25T16:20:00Z",
                "Clear lungs. No mass or consolidation.", study_2),
    ]
    return {(r["resourceType"], r["id"]): r for r in resources}
