"""Admin registration for curricula and the union's structure."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Division, Local, Program, Sector

#: Other education apps add their admin screens to the "Education" menu through this hook,
#: by giving their viewset ``menu_hook = EDUCATION_MENU_HOOK``.
EDUCATION_MENU_HOOK = "register_education_menu_item"


class ProgramViewSet(SnippetViewSet):
    model = Program
    icon = "list-ul"
    menu_label = _("Programs")
    list_display = ["title", "issues_certificate"]
    search_fields = ["title", "description"]


class DivisionViewSet(SnippetViewSet):
    model = Division
    icon = "site"
    menu_label = _("Divisions")
    list_display = ["name", "code"]
    search_fields = ["name"]


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "tag"
    menu_label = _("Sectors")
    list_display = ["name"]
    search_fields = ["name"]


class LocalViewSet(SnippetViewSet):
    model = Local
    icon = "group"
    menu_label = _("Locals")
    list_display = ["number", "name", "city", "division", "sector"]
    list_filter = ["division", "sector"]
    search_fields = ["number", "name", "city"]
    ordering = ["number"]


class EducationViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Education")
    menu_icon = "doc-full-inverse"
    menu_name = "education"
    menu_order = 150
    submenu_hook = EDUCATION_MENU_HOOK
    items = (ProgramViewSet, LocalViewSet, DivisionViewSet, SectorViewSet)


register_snippet(EducationViewSetGroup)
