"""Members flag content from the page (a small form; htmx swaps it for a thank-you,
without JavaScript the form posts and the page comes back)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from community import moderation
from community.http import MemberRequest
from community.moderation_forms import FlagForm
from community.selectors.communities import access_community
from community.services import moderation as services
from community.views._helpers import render_community
from community.views.events import _form_errors


def _target(label: str, pk: int) -> tuple[models.Model, moderation.FlaggableType]:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not moderation.is_flaggable(model):
        raise Http404
    spec = moderation.get_flaggable(model)
    obj = model._default_manager.select_related(*spec.select_related).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj, spec


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: MemberRequest, slug: str, label: str, pk: int) -> HttpResponse:
    ctx = access_community(request.user, slug, need="contribute")
    obj, spec = _target(label, pk)
    if spec.community(obj).pk != ctx.community.pk or not spec.can_read(ctx, obj):
        raise Http404
    if spec.is_hidden(obj):
        raise Http404
    back = spec.url(obj)
    # Ids unique per object: several flag forms can be open on one page.
    form = FlagForm(request.POST or None, auto_id=f"flag-{obj._meta.model_name}-{obj.pk}-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_content(
                target=obj,
                by=request.member,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        except PermissionDenied:
            raise
        else:
            if request.htmx:
                return render(request, "community/moderation/_flagged.html", {})
            messages.success(request, _("Thank you: the animators will look at it."))
            return redirect(back)
    template = (
        "community/moderation/_flag_form.html" if request.htmx else "community/moderation/flag.html"
    )
    return render_community(
        request,
        template,
        ctx,
        tab="",
        form=form,
        target=obj,
        target_label=spec.label,
        excerpt=spec.excerpt(obj),
        flag_url=request.path,
        back=back,
        # htmx swaps only 2xx answers: the form with its errors comes back as 200 there.
        status=400 if form.is_bound and not request.htmx else 200,
    )
