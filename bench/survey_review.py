"""A relationship survey's answers reviewed into the map (issue #21): "accept all" on a round
of R respondents who each answered a grid of G actors (R × G answer rows), applied in one
transaction, against a bare COPY of the same answer rows.

The round (built directly, not timed): G actors on the map, R member organisations that sent
their answers, each naming every actor of the grid with a seeded strength, frequency and
kinds of collaboration, about 1 % of answers with a "would introduce to"; about 5 % of the
pairs already tied on the map (their evidence goes on that tie). Then, as the coalition's
steward, timed:

* **accept all**: ``review_accept(access=…, round_id=…)``, the bulk path: every answer's tie
  (drawn when new, at the mean strength reported, with its history row), its survey-report
  interaction (history, two participants), the suggestions, the answers marked accepted;
  the newcomers placed beside their neighbours; then the deferred foreign-key checks a
  commit would run (``SET CONSTRAINTS ALL IMMEDIATE``). Rolled back after each run;
* **baseline**: the same R × G answer rows, as stored, COPY'd into a temporary table of the
  answers' shape in one transaction (psycopg2 ``copy_expert``, through weft/bulk.py): what
  moving that many rows into PostgreSQL costs at least. Rolled back as well;
* **per answer** (a record, not a target): the per-answer path (``review_accept`` with the
  list of answers, the map's services once per answer) on the first ``PER_ANSWER_SAMPLE``
  answers, scaled to R × G.

Best of ``REPEAT`` alternated runs; peak memory (tracemalloc, Python allocations) in a
separate pass of each. Targets (full run): accept all at most ``MAX_RATIO``x the bare COPY
and under ``MAX_PEAK_MIB`` MiB. Sizes: R = 500, G = 200, 100,000 answers (``--smoke``:
R = 50, G = 40, 2,000).
"""

import datetime
import gc
import json
import random
import secrets
import time
import tracemalloc

FULL_SIZE = (500, 200)
SMOKE_SIZE = (50, 40)
REPEAT = 3
PER_ANSWER_SAMPLE = 1_000
MAX_RATIO = 40.0
MAX_PEAK_MIB = 256
SEED = 2_112
MIB = 1024 * 1024
FREQUENCIES = ("weekly", "monthly", "quarterly", "yearly", "never")
COLLABORATION = ("information", "joint_action", "resources", "planning", "support")


class Rollback(Exception):
    pass


def build_round(user, respondents: int, grid: int):
    """The coalition, its round and the answer rows as stored (for the baseline)."""
    from django.utils import timezone

    from allies.models import Actor
    from coalitions import roles
    from coalitions.connect.models import Membership
    from coalitions.services import coalition_create
    from coalitions.surveys.models import (
        QuestionKind,
        RelationshipAnswer,
        SurveyQuestion,
        SurveyRespondent,
        SurveyRound,
    )
    from networks.models import Tie
    from weft.bulk import copy_rows

    rng = random.Random(SEED)
    coalition = coalition_create(name=f"Survey bench {secrets.token_hex(3)}", created_by=user)
    actors = Actor.objects.bulk_create(
        Actor(coalition=coalition, name=f"Grid actor {i:04d}", kind="organisation")
        for i in range(grid)
    )
    members = Actor.objects.bulk_create(
        Actor(coalition=coalition, name=f"Member organisation {i:04d}", kind="organisation")
        for i in range(respondents)
    )
    Membership.objects.bulk_create(
        Membership(coalition=coalition, organisation=org, phase="align") for org in members
    )
    today = timezone.localdate()
    survey_round = SurveyRound.objects.create(
        coalition=coalition,
        title="Network survey",
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today - datetime.timedelta(days=1),
        status="closed",
        opened_at=timezone.now(),
        closed_at=timezone.now(),
    )
    question = SurveyQuestion.objects.create(
        round=survey_round, kind=QuestionKind.RELATIONSHIP_GRID, text="Who do you work with?"
    )
    sent = timezone.now() - datetime.timedelta(days=3)
    people = SurveyRespondent.objects.bulk_create(
        SurveyRespondent(round=survey_round, organisation=org, started_at=sent, submitted_at=sent)
        for org in members
    )
    Tie.objects.bulk_create(
        Tie(coalition=coalition, source=org, target=actor, strength=rng.randint(1, 5))
        for org in members
        for actor in actors
        if rng.random() < 0.05
    )
    columns = [
        *("respondent_id", "question_id", "actor_id", "other_name", "other_kind", "frequency"),
        *("strength", "collaboration", "introduce_to_id", "updated_at", "review"),
    ]
    rows = []
    for respondent in people:
        for actor in actors:
            introduce = rng.choice(actors).pk if rng.random() < 0.01 else None
            rows.append(
                (
                    respondent.pk,
                    question.pk,
                    actor.pk,
                    "",
                    "",
                    rng.choice(FREQUENCIES),
                    rng.randint(1, 5),
                    json.dumps(rng.sample(COLLABORATION, rng.randint(0, 3))),
                    introduce if introduce != actor.pk else None,
                    sent,
                    "pending",
                )
            )
    copy_rows(RelationshipAnswer._meta.db_table, columns, rows)
    return roles.access_for(user, coalition.pk), survey_round, columns, rows


def rolled_back(call):
    """Run ``call`` in a transaction that is rolled back; its duration and result."""
    from django.db import transaction

    result = {}
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result["value"] = call()
            result["took"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return result["took"], result["value"]


def bare_copy(columns, rows) -> int:
    from django.db import connection

    from coalitions.surveys.models import RelationshipAnswer
    from weft.bulk import copy_rows

    table = RelationshipAnswer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMPORARY TABLE "bench_answers" (LIKE "{table}" INCLUDING ALL) '  # noqa: S608
            "ON COMMIT DROP"
        )
    copy_rows("bench_answers", columns, rows)
    return len(rows)


def accept_all(access, round_id):
    """Accept all, with the foreign keys checked as a commit would (they are deferred, and a
    rolled-back transaction never checks them)."""
    from django.db import connection

    from coalitions.surveys.review import review_accept

    accepted = review_accept(access=access, round_id=round_id)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return accepted


def peak_mib(call) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        rolled_back(call)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MIB


def per_answer(access, survey_round, sample: int) -> tuple[float, int]:
    from coalitions.surveys.models import RelationshipAnswer
    from coalitions.surveys.review import review_accept

    ids = list(
        RelationshipAnswer.objects.filter(respondent__round=survey_round)
        .order_by("respondent_id", "id")
        .values_list("pk", flat=True)[:sample]
    )

    def one_by_one():
        from django.db import connection

        accepted = review_accept(access=access, round_id=survey_round.pk, relationship_ids=ids)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        return accepted

    return rolled_back(one_by_one)


def written_by_accept(access, survey_round) -> dict:
    """What one accept all writes (counted inside its transaction, then rolled back)."""
    from networks.models import Interaction, InteractionParticipant, Tie

    def count():
        coalition = access.coalition
        before = Tie.objects.filter(coalition=coalition).count()
        accepted = accept_all(access, survey_round.pk)
        return {
            "answers_accepted": accepted,
            "ties_drawn": Tie.objects.filter(coalition=coalition).count() - before,
            "ties_already_drawn": before,
            "interactions": Interaction.objects.filter(coalition=coalition).count(),
            "participants": InteractionParticipant.objects.filter(
                interaction__coalition=coalition
            ).count(),
            "tie_history_rows": Tie.history.filter(coalition=coalition).count(),
        }

    return rolled_back(count)[1]


def run(*, smoke: bool, cleanup: bool) -> tuple[dict, list[str]]:
    from django.contrib.auth import get_user_model

    respondents, grid = SMOKE_SIZE if smoke else FULL_SIZE
    answers = respondents * grid
    user = get_user_model().objects.create_user(
        username=f"survey-bench-{secrets.token_hex(4)}", password=None
    )
    coalition = None
    print(f"\nsurvey review: {respondents} respondents × {grid} actors = {answers:,} answers")
    try:
        started = time.perf_counter()
        access, survey_round, columns, rows = build_round(user, respondents, grid)
        coalition = access.coalition
        print(f"  built in {time.perf_counter() - started:.1f} s")
        written = written_by_accept(access, survey_round)
        assert written["answers_accepted"] == answers, written
        assert written["interactions"] == answers, written
        assert written["participants"] == 2 * answers, written
        copies, accepts = [], []
        for _ in range(REPEAT):
            copies.append(rolled_back(lambda: bare_copy(columns, rows))[0])
            accepts.append(rolled_back(lambda: accept_all(access, survey_round.pk))[0])
        copy_peak = peak_mib(lambda: bare_copy(columns, rows))
        accept_peak = peak_mib(lambda: accept_all(access, survey_round.pk))
        sample = min(PER_ANSWER_SAMPLE, answers)
        sample_s, _ = per_answer(access, survey_round, sample)
    finally:
        if cleanup and coalition is not None:
            coalition.delete()
        if cleanup:
            user.delete()
    best_copy, best_accept = min(copies), min(accepts)
    ratio = best_accept / best_copy
    figures = {
        "respondents": respondents,
        "grid_actors": grid,
        "answers": answers,
        **written,
        "bare_copy_s": round(best_copy, 3),
        "accept_all_s": round(best_accept, 3),
        "accept_over_copy": round(ratio, 2),
        "bare_copy_peak_mib": round(copy_peak, 1),
        "accept_all_peak_mib": round(accept_peak, 1),
        "per_answer_sample": sample,
        "per_answer_sample_s": round(sample_s, 3),
        "per_answer_scaled_s": round(sample_s / sample * answers, 1),
        "per_answer_over_accept_all": round(sample_s / sample * answers / best_accept, 1),
    }
    for name, value in figures.items():
        print(f"  {name:28} {value}")
    misses = []
    if not smoke and ratio > MAX_RATIO:
        misses.append(f"accept all is {ratio:.1f}x the bare COPY (target {MAX_RATIO}x)")
    if not smoke and accept_peak > MAX_PEAK_MIB:
        misses.append(f"accept all peaks at {accept_peak:.0f} MiB (target {MAX_PEAK_MIB} MiB)")
    return figures, misses
