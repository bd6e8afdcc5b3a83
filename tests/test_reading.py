"""A file's outcome carries its forms packed: small to hold and to send back from a worker, decoded on use."""

from __future__ import annotations

import pickle

from evalaudit.inbox import scan
from evalaudit.reading import parse_file
from tests.conftest import INBOX


def test_an_outcome_keeps_its_forms_packed_and_gives_them_back_whole():
    [file] = [f for f in scan([INBOX]).files if f.name == "07_township_party_building_errors.txt"]
    outcome = parse_file(file)
    forms = outcome.evaluations
    assert forms and outcome.forms == len(forms)
    assert outcome.evaluation_ids == tuple(e.evaluation_id for e in forms)
    assert outcome.form_types == tuple(e.form_type for e in forms)
    assert outcome.warnings == sum(len(e.warnings) for e in forms)
    assert [e.to_dict() for e in outcome.evaluations] == [e.to_dict() for e in forms]  # decoded afresh each time
    assert outcome.evaluations[0] is not outcome.evaluations[0]
    assert len(pickle.dumps(outcome)) < len(pickle.dumps(forms)) / 2  # compressed
    back = pickle.loads(pickle.dumps(outcome))
    assert back == outcome and back.evaluation_ids == outcome.evaluation_ids and back.warnings == outcome.warnings
    assert [e.to_dict() for e in back.evaluations] == [e.to_dict() for e in forms]


def test_an_outcome_recorded_as_failed_keeps_no_forms():
    [file] = [f for f in scan([INBOX]).files if f.name == "07_township_party_building_errors.txt"]
    failed = parse_file(file).with_status("check_failed", "检查时出错")
    assert (failed.status, failed.reason, failed.forms, failed.evaluations) == ("check_failed", "检查时出错", 0, [])
