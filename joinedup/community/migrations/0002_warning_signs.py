"""The warning signs listed on the reporting pages, by kind of business and for the public page: data, kept by the
administrators afterwards. Drawn from the national and police guidance for hotels, taxis and the night-time
economy (e.g. Operation Makesafe), in plain words."""

from django.db import migrations

SIGNS = {
    "hotel": [
        "Rooms booked for cash or by walk-ins",
        "Guests with no luggage",
        "Young people visiting adults' rooms",
        "Many visitors to one room",
        "A young person who seems frightened, drunk or under the influence",
        "An adult booking a room for a young person",
        "Requests for rooms near exits or away from staff",
        "Young people coming and going at night",
    ],
    "taxi_firm": [
        "Young people picked up late at night and taken to hotels or private addresses",
        "An adult paying the fare for a young person they do not seem related to",
        "Young people travelling far from home, or to the same address again and again",
        "A young person who seems frightened, drunk or under the influence",
        "Young people given phones, money or gifts by the adult they travel with",
    ],
    "takeaway": [
        "Young people given free food or drink by staff or adults",
        "Young people spending long hours at the premises, or at night",
        "Young people taken into back rooms or upstairs",
        "Adults waiting outside for young people, or picking them up in cars",
        "Young people with money, phones or clothes they could not afford",
    ],
    "licensed_premises": [
        "Young people served or given alcohol by adults",
        "Young people who seem under age in the company of older adults",
        "A young person who seems frightened, drunk or under the influence",
        "Young people leaving with adults they arrived without",
    ],
    "shop": [
        "Young people bought gifts, phones or top-up cards by older adults",
        "Young people waiting around the shop at school times",
        "Adults waiting outside for young people, or picking them up in cars",
        "A young person who seems frightened, drunk or under the influence",
    ],
    "general": [
        "A young person with an older adult who does not seem to be family",
        "Young people picked up in cars by different adults",
        "A young person who seems frightened, drunk or under the influence",
        "Young people visiting an address where adults come and go",
        "Young people with money, phones or clothes they could not afford",
        "A young person who is out late or far from home",
    ],
}


def seed(apps, schema_editor):
    WarningSign = apps.get_model("community", "WarningSign")
    for applies_to, texts in SIGNS.items():
        for order, text in enumerate(texts, start=1):
            WarningSign.objects.get_or_create(applies_to=applies_to, text=text, defaults={"order": order})


def unseed(apps, schema_editor):
    apps.get_model("community", "WarningSign").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
