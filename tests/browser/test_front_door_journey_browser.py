"""Issue 13's "done when", walked as one journey in real Chromium on the demo area, through the pages only.

A school practitioner records a contact about a child (found before created) with the threshold beside the form;
the front door asks police and health for information, each answers theirs, and the front door decides within the
working day against the threshold, routing the child to a strategy discussion; the discussion, with police and
social care present, decides a section 47 enquiry and proposes the child for MACE, and the coordinator sees them
proposed on the next MACE meeting's page; the key worker records the child's say and starts an exploitation safety
plan; the child, on a phone through the link the key worker hands over, asks for help, and it arrives on the key
worker's work list as urgent. Every step is done by clicking what a user would click from the menu; only the
child's link is typed (it is handed over)."""

import json
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
FRONT_DOOR = "practitioner-social-care"

# A child the school works with whose key worker is the front door's social worker (who also holds strategy
# discussions), with a name no other child has.
FIND_CHILD = (
    "import json;"
    "from collections import Counter;"
    "from joinedup.accounts.models import User as U;"
    "from joinedup.children.models import Child as C;"
    "from joinedup.access import policy;"
    "school = U.objects.get(username='practitioner-school');"
    "worker = U.objects.get(username='" + FRONT_DOOR + "');"
    "live = C.objects.filter(joined_into__isnull=True);"
    "names = Counter((c.given_name, c.family_name) for c in live);"
    "c = next(c for c in live.filter(key_worker=worker).order_by('family_name', 'given_name')"
    " if names[(c.given_name, c.family_name)] == 1 and c.date_of_birth and policy.can_view_child(school, c)"
    " and not policy.record_is_closed(c));"
    "print(json.dumps({'id': str(c.pk), 'given': c.given_name, 'family': c.family_name,"
    " 'born': c.date_of_birth.isoformat(), 'worker': worker.get_full_name()}))"
)

# The next MACE meeting (the coordinator opens it from the list of meetings).
NEXT_MEETING = (
    "from django.utils import timezone;"
    "from joinedup.mace.models import Meeting;"
    "print(Meeting.objects.filter(held_at__gte=timezone.now()).order_by('held_at').first().pk)"
)

STORED = (
    "import json;"
    "from joinedup.frontdoor.models import Contact;"
    "from joinedup.strategy.models import StrategyDiscussion;"
    "from joinedup.tasks.models import Task;"
    "from joinedup.voice.models import ChildSay;"
    "from joinedup.plans.models import Plan;"
    "c = Contact.objects.filter(child_id='{child}').order_by('-received_at').first();"
    "d = StrategyDiscussion.objects.filter(contact=c).first();"
    "print(json.dumps({{"
    "'recorded_by': c.recorded_by.username, 'level': c.level.name, 'route': c.route,"
    " 'in_time': c.decided_at < c.decision_due_at,"
    " 'asked': sorted((r.to_agency.code, r.answered_by.username) for r in c.information_requests.all()),"
    " 'decision': d.decision, 'section47': hasattr(d, 'section47'), 'mace': d.mace_proposed_at is not None,"
    " 'present': sorted({{p.agency.code for p in d.participants.all()}}),"
    " 'say': ChildSay.objects.filter(child_id='{child}').order_by('-version').first().what_matters,"
    " 'plans': [[p.lead_professional.username, p.started_on.isoformat(), [o.wording for o in p.outcomes.all()]]"
    " for p in Plan.objects.filter(child_id='{child}', kind='exploitation_safety', status='active')],"
    " 'tasks': [[t.owner.username, t.urgent, t.title] for t in Task.objects.filter("
    "kind='child_message', child_id='{child}', completed_at__isnull=True).select_related('owner')],"
    "}}))"
)


def _json(stack: LiveStack, code: str) -> dict[str, Any]:
    return json.loads(stack.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def _menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()


def _choose(page: Page, label: str, starting: str) -> None:
    """Choose the option of a select whose text starts with ``starting`` (as a user reads the list)."""
    select = page.get_by_label(label, exact=True)
    option = select.locator("option").filter(has_text=re.compile("^" + re.escape(starting))).first
    select.select_option(value=option.get_attribute("value"))


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^Sign out")).click()
    page.wait_for_load_state()


def _open_record(page: Page, full_name: str) -> None:
    """From the menu: Children, search by name, open the record."""
    _menu(page, "Children")
    page.get_by_label("Search by name, other name, postcode or local authority child id").fill(full_name)
    page.get_by_role("button", name="Search").click()
    page.locator("#results").get_by_role("link", name=full_name, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(full_name)))).to_be_visible()


def _open_newest_waiting(page: Page, full_name: str) -> None:
    """The triage queue lists the longest waiting first: the school's contact just sent is the child's last row."""
    rows = (
        page.locator("#waiting-contacts tbody tr").filter(has_text=full_name).filter(has_text="Wealdbridge Education")
    )
    rows.last.get_by_role("link", name=full_name, exact=True).click()
    expect(page.get_by_role("heading", name="Contact to the front door")).to_be_visible()


def test_issue_13_a_contact_walks_from_school_to_the_key_workers_work_list(
    page: Page, browser: Browser, stack: LiveStack
):
    child = _json(stack, FIND_CHILD)
    full_name = f"{child['given']} {child['family']}"

    # 1. The school records a contact, finding the child first; the threshold's descriptors are beside the form.
    sign_in(page, stack, "practitioner-school")
    _menu(page, "Children")
    page.get_by_role("link", name="Record a contact to the front door").click()
    expect(page.get_by_role("heading", name="Find the child first")).to_be_visible()
    page.get_by_label("First name").fill(child["given"])
    page.get_by_label("Last name").fill(child["family"])
    page.get_by_label("Date of birth").fill(child["born"])
    page.get_by_role("button", name="Find the child").click()
    page.locator("#candidates").get_by_role("link", name=f"Record a contact about {full_name}").click()
    expect(page.get_by_role("heading", name="Record a contact to the front door")).to_be_visible()
    threshold = page.locator("#threshold")
    expect(threshold).to_contain_text("Wealdbridge continuum of need")
    for level in ("Universal", "Early help", "Targeted", "Specialist"):
        expect(threshold.get_by_text(re.compile(f"Level \\d: {level}"))).to_be_visible()
    threshold.get_by_text(re.compile("Level \\d: Specialist")).click()  # open the level's descriptor
    expect(threshold.locator("details[open] .govuk-details__text")).not_to_be_empty()
    page.get_by_label("What you are worried about").fill(
        f"{child['given']} has been seen getting into cars with older men after school and has new phones and "
        "clothes nobody can explain. Their attendance has dropped to 60% this half term."
    )
    page.get_by_label("Does the child know about this contact?").select_option(label="Yes")
    page.get_by_label("Does the family know about this contact?").select_option(label="Yes")
    page.get_by_label("The family's consent to the referral").select_option(label="Consent given")
    page.get_by_label("Who made the contact").select_option(label="A professional (a partner agency)")
    page.get_by_label("Referrer's name").fill("Tom Teacher")
    page.get_by_label("Referrer's role, or relationship to the child").fill("Designated safeguarding lead")
    page.get_by_label("Referrer's agency").select_option(label="Wealdbridge Education")
    page.get_by_label("How to reach the referrer").fill("01632 960 123")
    page.get_by_role("button", name="Send the contact to the front door").click()
    expect(page.get_by_text("The contact is recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Contact to the front door")).to_be_visible()
    _sign_out(page)

    # 2. The front door opens it from the triage queue and asks police and health for information.
    sign_in(page, stack, FRONT_DOOR)
    _menu(page, "Front door")
    _open_newest_waiting(page, full_name)
    expect(page.get_by_role("heading", name="Contact to the front door")).to_be_visible()
    expect(page.locator("#contact")).to_contain_text("getting into cars with older men")
    for agency, question in (
        ("Wealdbridge Police", "Any police contact with the child or the adults in the cars?"),
        ("Wealdbridge Health", "Any health contact, including sexual health, in the last year?"),
    ):
        page.get_by_text("Ask a partner agency for information").click()
        page.get_by_label("Agency to ask").select_option(label=agency)
        page.get_by_label("What you need to know").fill(question)
        page.get_by_role("button", name="Send the request").click()
        expect(page.get_by_text(f"{agency} is asked.")).to_be_visible()
    expect(page.locator("#requests ~ table").first).to_contain_text("Waiting")
    _sign_out(page)

    # Police answer from their work list; health from the page of their agency's requests.
    sign_in(page, stack, "practitioner-police")
    _menu(page, "Work list")
    asked = page.get_by_role("row").filter(has_text="The front door asks: Any police contact with the child")
    expect(asked).to_contain_text(full_name)
    asked.get_by_role("link").first.click()
    expect(page.get_by_text("Any police contact with the child or the adults in the cars?")).to_be_visible()
    expect(page.get_by_text("getting into cars with older men")).to_have_count(0)  # nothing else of the contact
    page.get_by_label("Your agency's answer").fill(
        "Two stop checks this month in a car with an adult already known to us for drug supply."
    )
    page.get_by_role("button", name=re.compile("answer", re.I)).click()
    expect(page.get_by_text("Your answer is with the front door.")).to_be_visible()
    _sign_out(page)

    sign_in(page, stack, "practitioner-health")
    _menu(page, "Information requests")
    page.locator("#waiting-requests").get_by_role("link", name=full_name, exact=True).click()
    page.get_by_label("Your agency's answer").fill("Seen at the sexual health clinic twice with an older adult.")
    page.get_by_role("button", name=re.compile("answer", re.I)).click()
    expect(page.get_by_text("Your answer is with the front door.")).to_be_visible()
    _sign_out(page)

    # The front door decides against the threshold, within the working day.
    sign_in(page, stack, FRONT_DOOR)
    _menu(page, "Front door")
    _open_newest_waiting(page, full_name)
    answers = page.locator("#requests ~ table").first
    expect(answers).to_contain_text("Two stop checks this month")
    expect(answers).to_contain_text("sexual health clinic twice")
    expect(page.get_by_text(re.compile("^Decide against Wealdbridge continuum of need"))).to_be_visible()
    _choose(page, "Level of need", "Level 4: Specialist")
    page.get_by_label("Why, against the threshold's descriptors").fill(
        "Reasonable cause to suspect significant harm: signs of sexual and criminal exploitation by adults, "
        "confirmed by police and health."
    )
    page.get_by_label("What happens next").select_option(label="Strategy discussion (section 47)")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision is recorded.")).to_be_visible()
    decision = page.locator("#decision ~ dl").first
    expect(decision).to_contain_text("Specialist")
    expect(decision).to_contain_text("Strategy discussion (section 47)")
    expect(decision).to_contain_text("Within the working-day deadline")
    expect(decision.get_by_text("Late")).to_have_count(0)

    # 3. The strategy discussion, from the contact, with social care and police (and health and education).
    page.get_by_role("link", name="Hold the strategy discussion").click()
    expect(page.get_by_role("heading", name="Record a strategy discussion")).to_be_visible()
    expect(page.get_by_label("Why the discussion was held")).to_have_value(re.compile("Reasonable cause"))
    now = datetime.now(LONDON)
    page.get_by_label("When the discussion was held").fill(now.strftime("%Y-%m-%dT%H:%M"))
    _choose(page, "Chaired by", child["worker"])
    people = [
        ("Wealdbridge Children's Social Care", child["worker"], "Social worker", "The front door's findings."),
        ("Wealdbridge Police", "Dan Constable", "Child exploitation officer", "The stop checks and the adult."),
        ("Wealdbridge Health", "Lena Nurse", "Sexual health nurse", "The clinic visits."),
        ("Wealdbridge Education", "Tom Teacher", "Designated safeguarding lead", "Attendance and what was seen."),
    ]
    for number, (agency, name, role, shared) in enumerate(people, start=1):
        person = page.get_by_role("group", name=f"Person {number}", exact=True)
        person.get_by_label("Agency", exact=True).select_option(label=agency)
        person.get_by_label("Name", exact=True).fill(name)
        person.get_by_label("Role", exact=True).fill(role)
        person.get_by_label("Information the agency shared").fill(shared)
    page.get_by_label("Decision", exact=True).select_option(label="Section 47 enquiry jointly with police")
    page.get_by_label("Reasons for the decision").fill("Significant harm from sexual and criminal exploitation.")
    page.get_by_role("button", name="Record the strategy discussion").click()
    expect(page.get_by_text("The strategy discussion is recorded.")).to_be_visible()
    expect(page.locator("#discussion")).to_contain_text("Section 47 enquiry jointly with police")
    expect(page.locator("#section-47")).to_be_visible()
    expect(page.locator("#agencies-absent")).to_have_count(0)
    page.get_by_text(f"Propose {child['given']} for MACE").click()
    page.get_by_label("Why the child is proposed for MACE").fill(
        "Adults giving lifts and gifts; other children seen in the same cars."
    )
    page.locator("#step-mace").get_by_role("button", name="Save").click()
    expect(page.get_by_text("The child is proposed for the next MACE meeting.")).to_be_visible()
    expect(page.locator("#exploitation ~ p").first).to_contain_text("Proposed for MACE")
    _sign_out(page)

    # The coordinator sees the child proposed on the next MACE meeting's page.
    meeting = stack.manage("shell", "--no-imports", "-c", NEXT_MEETING).split()[-1]
    sign_in(page, stack, "coordinator")
    _menu(page, "MACE")
    page.locator(f'a[href$="/{meeting}/"]').click()
    expect(page.get_by_text("whom a strategy discussion proposed", exact=False)).to_be_visible()
    proposed = page.locator("#proposals").get_by_role("row").filter(has_text=full_name)
    expect(proposed).to_contain_text("Proposed by a strategy discussion")
    _sign_out(page)

    # 4. The key worker records the child's say and starts an exploitation safety plan.
    sign_in(page, stack, FRONT_DOOR)
    _open_record(page, full_name)
    page.get_by_role("link", name=f"Record or update {child['given']}'s say").click()
    page.get_by_label("What matters to me").fill("Getting back to school and seeing my sister.")
    page.get_by_label("How and when to contact me").fill("Text first, after 4pm, not at school.")
    page.get_by_label("My trusted adult").fill("My aunt")
    page.get_by_label("Recorded with the child on").fill(now.date().isoformat())
    page.get_by_label("How", exact=True).select_option(label="In person")
    page.get_by_role("button", name=f"Save {child['given']}'s say").click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(full_name)))).to_be_visible()  # back on the record
    expect(page.locator("#childs-say ~ *").first).to_contain_text("Getting back to school and seeing my sister.")
    page.get_by_role("link", name=f"Start a plan or see {child['given']}'s plans and closures").click()
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_label("Kind of plan").select_option(label="Exploitation safety plan")
    _choose(page, "Lead professional", child["worker"])
    page.get_by_label("Started on").fill(now.date().isoformat())
    page.get_by_role("button", name=re.compile("Save|Start", re.I)).click()
    expect(page.get_by_text("The plan is started.")).to_be_visible()
    page.get_by_role("link", name="Add an outcome").click()
    page.get_by_label("The outcome wanted").fill("I feel safe going to and from school.")
    page.get_by_label("Who wrote or said it").fill("the child")
    page.get_by_role("button", name=re.compile("Save|Add", re.I)).click()
    expect(page.get_by_text("“I feel safe going to and from school.”")).to_be_visible()
    _open_record(page, full_name)
    started = f"from {now.day} {now:%B %Y}; 1 outcomes"
    plan_row = page.locator("#plans ~ table").first.get_by_role("row").filter(has_text="Exploitation safety plan")
    expect(plan_row.filter(has_text=started).filter(has_text=child["worker"])).to_contain_text("Active")

    # 5. The key worker issues the speaking-out link and hands it over; the child asks for help from a phone.
    page.get_by_role("link", name=f"{child['given']}'s messages and speaking-out link").click()
    page.get_by_role("button", name="Issue a new link").click()
    link = page.locator("#issued-link").inner_text().strip()
    assert "/speak/" in link
    before = _json(stack, STORED.format(child=child["id"]))["tasks"]
    phone = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    try:
        child_page = phone.new_page()
        child_page.goto(link)
        expect(child_page.get_by_role("heading", name="Talk to your worker")).to_be_visible()
        assert child_page.evaluate("document.documentElement.scrollWidth") <= 375
        child_page.get_by_label("Ask them to contact you").check()
        child_page.get_by_label("Your message").fill("The men in the car are asking me to go with them again.")
        child_page.get_by_label("I need help. Please get in touch with me soon.").check()
        child_page.get_by_label("When is a good time to contact you? (optional)").fill("After 4pm")
        child_page.get_by_role("button", name="Send").click()
        expect(child_page.get_by_role("heading", name="Sent")).to_be_visible()
        for private in (child["given"], child["family"], child["worker"], "men in the car"):
            assert private not in child_page.content(), private
    finally:
        phone.close()

    _menu(page, "Work list")
    title = f"Message from {child['given']}: asks you to get in touch"
    expected = [FRONT_DOOR, True, title]
    stored = _json(stack, STORED.format(child=child["id"]))
    assert stored["tasks"].count(expected) == before.count(expected) + 1
    messages = page.get_by_role("row").filter(has_text=title)
    expect(messages).to_have_count(stored["tasks"].count(expected))
    expect(messages.filter(has=page.get_by_text("Urgent", exact=True))).to_have_count(stored["tasks"].count(expected))
    messages.last.get_by_role("link", name=title, exact=True).click()  # the newest is due last
    expect(page.locator("#message-text")).to_contain_text("The men in the car are asking me to go with them again.")

    # What is stored is what the pages said.
    assert stored["recorded_by"] == "practitioner-school"
    assert stored["level"].startswith("Specialist")
    assert stored["route"] == "s47"
    assert stored["in_time"] is True
    assert stored["asked"] == [["HEA", "practitioner-health"], ["POL", "practitioner-police"]]
    assert stored["decision"] == "s47_joint"
    assert stored["section47"] is True
    assert stored["mace"] is True
    assert stored["present"] == ["CSC", "EDU", "HEA", "POL"]
    assert stored["say"] == "Getting back to school and seeing my sister."
    assert [FRONT_DOOR, now.date().isoformat(), ["I feel safe going to and from school."]] in stored["plans"]
