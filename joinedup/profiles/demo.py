"""The demo partnership's local problem profile: this quarter's, both versions, built at once (there is no worker
while the demo is made), and a quarterly schedule for the coordinator."""

from joinedup.accounts.models import User

from .models import ProblemProfile, ProfileSchedule
from .services import profile_build, profile_generate_request, this_quarter

DEMO_ANALYSIS = (
    "Missing episodes rose through the quarter, most of them from children's homes at weekends, and children "
    "most often said they went to be with friends or were drawn by offers of money and gifts.\n\n"
    "The town-centre hotels and takeaways remain the places where children are most often found with adults of "
    "concern. The partnership should extend Operation Makesafe training to the takeaways near the transport hub "
    "and ask schools to share attendance concerns with the exploitation team within a day."
)


def demo_problem_profiles_generate(*, users: dict[str, User]) -> list[ProblemProfile]:
    coordinator = users["coordinator"]
    ProfileSchedule.objects.create(owner=coordinator)
    start, end = this_quarter()
    made = profile_generate_request(
        user=coordinator, start=start, end=end, versions="both", analysis=DEMO_ANALYSIS, queue=False
    )
    return [profile_build(profile) for profile in made]
