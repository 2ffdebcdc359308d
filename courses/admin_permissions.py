"""Who sees whom in the Wagtail admin: the permission policies of the education models, and the
chooser views that follow them.

Taking part in union education reveals union membership, so the admin shows a person's name,
email, local and history only to those the policies let see them:

- **Model permissions** (the "Education staff" group, superusers) see every record, as Wagtail's
  model permission policy says.
- **Facilitators** hold no model permission on these models. They may *view* the records of the
  people their own roster shows (the confirmed enrolments of the sessions they facilitate), and
  nothing of anyone else. Having no model permission, they are refused every listing, inspect,
  history and usage page of these models, and the reports; the choosers (which Wagtail opens to
  every admin user) list them only what the policy lets them view.

The policies are registered in each app's ``wagtail_hooks.py``, with the models they guard.
"""

import operator
from functools import reduce

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.hooks import search_for_hooks
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView

from .admin_viewsets import (
    ChooserViewSet,
    ChosenMultipleView,
    ChosenView,
    KeyCheckedDeleteBulkAction,
)
from .choices import EnrollmentStatus
from .models import Enrollment, Participant, Session
from .validators import readable_keys

#: The actions that let a user see a record (and choose it in a chooser).
SEE_ACTIONS = frozenset({"add", "change", "delete", "view", "choose"})


def policy_for(model):
    """The permission policy registered for ``model`` (the apps' hooks are loaded first, since
    they register the policies)."""
    search_for_hooks()
    return policy_registry.get_by_type(model)


def is_active_user(user):
    return user is not None and user.is_authenticated and user.is_active


def facilitated_sessions(user):
    """The sessions ``user`` is assigned to facilitate."""
    return Session.objects.filter(facilitators=user)


def facilitated_enrollments(user):
    """The enrolments a facilitator's rosters show: the confirmed ones of their sessions."""
    return Enrollment.objects.filter(
        session__in=facilitated_sessions(user), status=EnrollmentStatus.CONFIRMED
    )


def facilitators_of(sessions):
    """The users who facilitate any of ``sessions`` (a queryset of session ids or sessions)."""
    through = Session.facilitators.through
    return get_user_model().objects.filter(
        pk__in=through.objects.filter(session__in=sessions).values("user_id"), is_active=True
    )


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """A model permission policy under which users without the model permission may still take
    a few actions on the records within their own scope.

    - ``refused_actions`` are taken by nobody, not even a superuser.
    - ``scoped_actions`` are what a user may do, without the model permission, on the records
      :meth:`scoped_instances` gives them.

    Model-level answers (``user_has_permission``, ``user_has_any_permission``) stay those of
    the model permission, so that the generic listing, inspect, history and usage views, the
    menus and the reports keep refusing anyone without it.
    """

    refused_actions = frozenset()
    scoped_actions = frozenset()

    def scoped_instances(self, user):
        """The records an active user without the model permission may take the scoped
        actions on."""
        return self.model._default_manager.none()

    def scoped_users(self, instance):
        """The users who may take the scoped actions on ``instance`` without the model
        permission."""
        return get_user_model().objects.none()

    def user_has_permission(self, user, action):
        if action in self.refused_actions:
            return False
        return super().user_has_permission(user, action)

    def allowed_actions(self, actions):
        return set(actions) - self.refused_actions

    def instances_user_has_any_permission_for(self, user, actions):
        actions = self.allowed_actions(actions)
        if not actions or not is_active_user(user):
            return self.model._default_manager.none()
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        if actions & self.scoped_actions:
            return self.scoped_instances(user)
        return self.model._default_manager.none()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        actions = self.allowed_actions(actions)
        if not actions or not is_active_user(user):
            return False
        if self.user_has_any_permission(user, actions):
            return True
        return bool(actions & self.scoped_actions) and (
            self.scoped_instances(user).filter(pk=instance.pk).exists()
        )

    def users_with_any_permission(self, actions):
        actions = self.allowed_actions(actions)
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)

    def users_with_any_permission_for_instance(self, actions, instance):
        actions = self.allowed_actions(actions)
        users = self.users_with_any_permission(actions)
        if actions & self.scoped_actions:
            User = get_user_model()
            users = User.objects.filter(
                Q(pk__in=users.values("pk")) | Q(pk__in=self.scoped_users(instance).values("pk"))
            )
        return users


class ParticipantPermissionPolicy(ScopedPermissionPolicy):
    """Participants: staff (model permissions) see and manage everyone.

    A facilitator without model permission may view the people their rosters show, those with
    a confirmed enrolment in a session they facilitate, and nobody else: the participant
    chooser lists them only those.
    """

    scoped_actions = frozenset({"view"})

    def scoped_instances(self, user):
        return Participant.objects.filter(
            pk__in=facilitated_enrollments(user).values("participant_id")
        )

    def scoped_users(self, instance):
        return facilitators_of(
            Enrollment.objects.filter(
                participant=instance, status=EnrollmentStatus.CONFIRMED
            ).values("session_id")
        )


class EnrollmentPermissionPolicy(ScopedPermissionPolicy):
    """Enrolments are made and cancelled only through the enrolment rules.

    Nobody, not even a superuser, adds an enrolment through the generic form (it would skip
    the seat count, the waitlist and the emails) or deletes one (cancelling is a status, kept
    for the record). Staff enrol from a session's "People" page instead.

    Staff (model permissions) see every enrolment. A facilitator without model permission may
    view the confirmed enrolments of the sessions they facilitate, and no other: the enrolment
    chooser lists them only those.
    """

    refused_actions = frozenset({"add", "delete"})
    scoped_actions = frozenset({"view"})

    def scoped_instances(self, user):
        return facilitated_enrollments(user)

    def scoped_users(self, instance):
        if instance.status != EnrollmentStatus.CONFIRMED:
            return get_user_model().objects.none()
        return facilitators_of([instance.session_id])


class SessionPermissionPolicy(ScopedPermissionPolicy):
    """Sessions: staff (model permissions) see and manage every session.

    A facilitator without model permission may view the sessions they facilitate (the session
    chooser lists them only those); they reach their people through their rosters, not the
    admin's session pages, which need the model permission.
    """

    scoped_actions = frozenset({"view"})

    def scoped_instances(self, user):
        return facilitated_sessions(user)

    def scoped_users(self, instance):
        return facilitators_of([instance.pk])


class SessionRequestPermissionPolicy(ScopedPermissionPolicy):
    """Requests are never deleted: a request that will not go ahead is declined, and its record
    stays, with the reason the local was given.

    A request names a local's officer (name, email, phone) who is nobody's participant yet:
    only staff (model permissions) see requests. Facilitators without model permission see
    none, not even in the request chooser; the request's session, once created, reaches them as
    any other session does.
    """

    refused_actions = frozenset({"delete"})


class OfflineMarkPermissionPolicy(ScopedPermissionPolicy):
    """The marks phones sent after taking them offline are records of what arrived: nobody,
    not even a superuser, adds, changes or deletes one.

    Only staff (the model's "view" permission) see them: they name people of every session,
    refused ones included (someone not on the roster). Facilitators see none; what became of
    their own phone's marks is what the sending was answered.
    """

    refused_actions = frozenset({"add", "change", "delete"})


class PolicyChooserMixin:
    """A chooser view that offers only the records the model's permission policy lets the user
    see (:data:`SEE_ACTIONS`): listing, searching, and handing back a chosen record.

    Wagtail's chooser views are open to every admin user; this keeps them to what the policy
    allows. A record outside it is "not found", as if it did not exist.
    """

    choose_actions = SEE_ACTIONS

    @cached_property
    def permission_policy(self):
        return policy_for(self.model_class)

    def chooseable_objects(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, self.choose_actions
        )

    def restrict_to_chooseable(self, objects):
        chooseable = self.chooseable_objects()
        if not chooseable.query.has_filters():
            return objects  # every record: no need to ask the database twice
        return objects.filter(pk__in=chooseable.values("pk"))


class DatabaseSearchFilterForm(BaseFilterForm):
    """The chooser's search, made by the database over the snippet's ``search_fields``, every
    word in one of them, as its listing searches; the search index cannot be asked within the
    records a policy narrows the chooser to."""

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )
    search_fields = ()

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q")
        if query:
            for word in query.split():
                objects = objects.filter(
                    reduce(
                        operator.or_,
                        (Q(**{f"{field}__icontains": word}) for field in self.search_fields),
                    )
                )
            self.is_searching = True
            self.search_query = query
        return objects


class PolicyChooseMixin(PolicyChooserMixin):
    def get_object_list(self):
        return self.restrict_to_chooseable(super().get_object_list())

    def get_search_fields(self):
        viewset = getattr(self.model_class, "snippet_viewset", None)
        return list(getattr(viewset, "search_fields", None) or [])

    def get_filter_form_class(self):
        if self.filter_form_class:
            return self.filter_form_class
        search_fields = self.get_search_fields()
        if not search_fields:
            return BaseFilterForm
        return type(
            "PolicyChooserFilterForm", (DatabaseSearchFilterForm,), {"search_fields": search_fields}
        )


class PolicyChooseView(PolicyChooseMixin, ChooseView):
    pass


class PolicyChooseResultsView(PolicyChooseMixin, ChooseResultsView):
    pass


class PolicyChosenView(PolicyChooserMixin, ChosenView):
    def get_object(self, pk):
        if not readable_keys(self.model_class, [pk]):
            raise Http404
        try:
            return self.restrict_to_chooseable(self.model_class._default_manager.all()).get(pk=pk)
        except (ObjectDoesNotExist, ValidationError, ValueError) as error:
            raise Http404 from error


class PolicyChosenMultipleView(PolicyChooserMixin, ChosenMultipleView):
    def get_objects(self, pks):
        return self.restrict_to_chooseable(super().get_objects(pks))


class PolicyChooserViewSet(ChooserViewSet):
    """The chooser of a snippet whose records are not for every admin user: give it to the
    snippet's viewset as ``chooser_viewset_class``."""

    choose_view_class = PolicyChooseView
    choose_results_view_class = PolicyChooseResultsView
    chosen_view_class = PolicyChosenView
    chosen_multiple_view_class = PolicyChosenMultipleView


class PolicyDeleteBulkAction(PermissionCheckedMixin, KeyCheckedDeleteBulkAction):
    """Deleting snippets in bulk, for those the model's policy lets delete them.

    Wagtail's own action asks each record's permission only to sort the records it deletes
    from those it will not, and names both to anyone: it would list every participant to a
    facilitator. Register a subclass naming its ``models`` with an ``order`` above 0, so that
    it replaces Wagtail's for them.
    """

    permission_required = "delete"
    models = []


def visible_to(user, queryset):
    """``queryset`` narrowed to the records ``user`` may see under the model's policy."""
    allowed = policy_for(queryset.model).instances_user_has_any_permission_for(user, SEE_ACTIONS)
    if not allowed.query.has_filters():
        return queryset
    return queryset.filter(pk__in=allowed.values("pk"))


def visible_to_requester(queryset):
    """A function of a request returning ``queryset`` narrowed to what the request's user may
    see (:func:`visible_to`), as filters take a queryset for each request; nothing without a
    user."""

    def for_request(request):
        user = getattr(request, "user", None)
        if user is None:
            return queryset.none()
        return visible_to(user, queryset)

    return for_request
