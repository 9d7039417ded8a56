from django.urls import include, path

from joinedup.web.admin_site import site as admin_site

urlpatterns = [
    path("", include("joinedup.web.urls")),
    path("", include("joinedup.accounts.urls")),
    path("children/", include("joinedup.children.urls")),
    path("emergency-access/", include("joinedup.access.urls")),
    path("jobs/", include("joinedup.jobs.urls")),
    path("imports/", include("joinedup.imports.urls")),
    path("missing/", include("joinedup.missing.urls")),
    path("language/", include("joinedup.language.urls")),
    path("concerns/", include("joinedup.concerns.urls")),
    path("assessments/", include("joinedup.assessments.urls")),
    path("screening/", include("joinedup.screening.urls")),
    path("contacts/", include("joinedup.contacts.urls")),
    path("mace/", include("joinedup.mace.urls")),
    path("adults/", include("joinedup.disruption.urls")),
    path("mapping/", include("joinedup.mapping.urls")),
    path("linkage/", include("joinedup.linkage.urls")),
    path("", include("joinedup.documents.urls")),
    path("rights/", include("joinedup.rights.urls")),
    path("oversight/", include("joinedup.oversight.urls")),
    path("oversight/problem-profiles/", include("joinedup.profiles.urls")),
    path("training/", include("joinedup.training.urls")),
    path("data-pack/", include("joinedup.datapack.urls")),
    path("", include("joinedup.supervision.urls")),
    path("", include("joinedup.victims.urls")),
    path("case-audits/", include("joinedup.caseaudits.urls")),
    path("", include("joinedup.frontdoor.urls")),
    path("", include("joinedup.tasks.urls")),
    # The API for agency systems (docs/api.md): JSON only, key authentication, no session.
    path("api/v1/", include("joinedup.api.urls")),
    path("admin/", admin_site.urls),
]
