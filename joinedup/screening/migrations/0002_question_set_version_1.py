"""Version 1 of the partnership's sexual health screening proforma.

Written for joinedup in the spirit of *Spotting the Signs* (BASHH and Brook, 2014): questions
asked as part of taking a young person's history, about their relationships, age gaps, gifts,
control, going missing, school, and pressure. A yes to a significant question flags at once;
other yeses add their weight, and a score over 4 flags. The age rules (a young person under 13;
a partner 5 or more years older; an adult partner of a young person under 16) flag at once.
"""

from django.db import migrations

# code, kind, age role, question as asked, weight, significant, what a yes means (neutral words for the concern)
QUESTIONS = [
    ("AGE", "age", "young_person", "How old is the young person?", 0, False, ""),
    (
        "PARTNER_AGE", "age", "partner",
        "If they have a partner, or someone they are seeing or having sex with, how old is that person?",
        0, False, "",
    ),
    (
        "OLDER_FRIENDS", "yes_no", "", "Do they spend time with friends or contacts who are much older than them?",
        1, False, "They spend time with friends or contacts who are much older than them.",
    ),
    (
        "GIFTS", "yes_no", "",
        "Has a partner, or anyone else, given them gifts, money, phone credit, drugs or alcohol?",
        2, False, "A partner or someone else has given them gifts, money, phone credit, drugs or alcohol.",
    ),
    (
        "OWES", "yes_no", "",
        "Has anyone said they owe them something, or expected sex in return for gifts, money, drugs, "
        "alcohol, lifts or a place to stay?",
        0, True, "Someone has expected sex or something else from them in return for things they were given.",
    ),
    (
        "CHECKS_PHONE", "yes_no", "", "Does a partner check their phone or messages, or always want to know where they are?",
        2, False, "A partner checks their phone or messages, or wants to know where they are at all times.",
    ),
    (
        "KEPT_FROM_FRIENDS", "yes_no", "", "Does a partner stop them seeing their friends or family?",
        2, False, "A partner stops them seeing their friends or family.",
    ),
    (
        "MISSING", "yes_no", "",
        "Have they gone missing, or stayed out overnight without their parent or carer knowing where they were?",
        2, False, "They have gone missing, or stayed out overnight without their parent or carer knowing where they were.",
    ),
    (
        "SCHOOL", "yes_no", "", "Are they often missing school or college, or not in education at all?",
        1, False, "They are often missing school or college, or are not in education.",
    ),
    (
        "ARRANGED", "yes_no", "",
        "Has anyone else arranged for them to have sex with someone, or with more than one person?",
        0, True, "Other people have arranged for them to have sex with someone, or with more than one person.",
    ),
    (
        "CANNOT_SAY_NO", "yes_no", "",
        "Do they feel they cannot say no to sex, or have they been made to do sexual things they did not want to?",
        0, True, "They feel unable to say no to sex, or have been made to do sexual things they did not want to.",
    ),
    (
        "INJURIES", "yes_no", "", "Do they have injuries that are not explained, or has anyone hurt them?",
        3, False, "They have injuries that are not explained, or someone has hurt them.",
    ),
    (
        "TAKEN_TO_PLACES", "yes_no", "",
        "Have they been taken to parties, hotels, flats or houses by older people or people they do not know well?",
        3, False, "Older people, or people they do not know well, have taken them to parties, hotels, flats or houses.",
    ),
    (
        "IMAGES", "yes_no", "",
        "Have sexual images of them been shared online, or has anyone pressed them to send images?",
        3, False, "Sexual images of them have been shared online, or someone has pressed them to send images.",
    ),
]


def seed(apps, schema_editor):
    QuestionSet = apps.get_model("screening", "QuestionSet")
    Question = apps.get_model("screening", "Question")
    question_set = QuestionSet.objects.create(
        version=1,
        name="Wealdbridge sexual health screening proforma",
        is_current=True,
        threshold=4,
        age_gap_years=5,
        adult_age=18,
        age_of_consent=16,
        always_refer_under=13,
    )
    for position, (code, kind, age_role, text, weight, significant, finding) in enumerate(QUESTIONS, start=1):
        Question.objects.create(
            question_set=question_set, position=position, code=code, kind=kind, age_role=age_role,
            text=text, weight=weight, significant=significant, finding=finding,
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
