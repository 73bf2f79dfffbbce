"""Two posts of the same new code at the same moment (a double click): one answer, no error.

Both clicks get the same thank-you page (a refusal would tell a stranger that the code took
part); the second one repeats the first's answers, so nothing is kept apart either.

Needs a database that runs the two requests concurrently (PostgreSQL, stage 2 of `.ci/run`):
SQLite serialises writers, so the race this test provokes cannot happen there.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from livinglab.campaigns.models import Participant
from livinglab.evaluation.models import PendingSubmission, Response, Submission
from tests.evaluation.test_questionnaire import answers
from tests.evaluation.test_questionnaire import campaign as campaign  # noqa: F401 - fixture


@pytest.mark.django_db(transaction=True)
def test_a_double_click_stores_one_answer_and_thanks_both(campaign):  # noqa: F811
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL (stage 2 of .ci/run)")
    data = answers(campaign)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post():
        client = Client()
        barrier.wait()
        statuses.append(client.post("/questionnaire/test-import/baseline/", data).status_code)
        connection.close()

    for attempt in range(5):  # five fresh codes, each posted twice at once
        data["birth_day"] = str(10 + attempt)
        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * 10, statuses
    assert Participant.objects.filter(campaign=campaign).count() == 1 + 5  # SEED01 + 5 codes
    assert Submission.objects.count() == 5 and Response.objects.count() == 5 * 3
    assert not PendingSubmission.objects.exists()
