"""The pages of the collaboration request workflow: the basket, the request form, the list of requests,
a request with its timeline and actions, the providers' answers and the requester's edits. The rules
(who may do what in which state) are in collaborations.workflow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collaborations import basket, timeline, workflow
from collaborations.forms import AnswerForm, CommentForm, RequestForm
from collaborations.models import CollaborationRequest, RequestItem
from ion_portal.models import is_curator, is_member


def require_member(request):
    """Refuse (403) anyone who is not an approved member."""
    if not is_member(request.user):
        raise PermissionDenied(_("Only approved members can do this."))


@login_required
def request_new(request):
    """The request form, preselecting the resources named in the query string, or (`?basket=1`)
    everything in the basket."""
    require_member(request)
    from_basket = bool(request.GET.get("basket"))
    if from_basket:
        slugs = basket.basket_slugs(request.session)
        initial = {"platforms": slugs["platform"], "collections": slugs["collection"]}
    else:
        initial = {
            "platforms": request.GET.getlist("platform"),
            "collections": request.GET.getlist("collection"),
        }
    form = RequestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = workflow.request_create(
                requester=request.user,
                platforms=list(data["platforms"]),
                collections=list(data["collections"]),
                title=data["title"],
                project_summary=data["project_summary"],
                intended_use=data["intended_use"],
                ethics_status=data["ethics_status"],
                acknowledge_network=data["acknowledge_network"],
                discuss_coauthorship=data["discuss_coauthorship"],
                report_back=data["report_back"],
                protocol=data.get("protocol"),
            )
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            if from_basket:
                basket.basket_clear(request.session)
            messages.success(
                request, _("Your request was sent. The network office will screen it shortly.")
            )
            return redirect(created)
    return render(
        request, "collaborations/request_form.html", {"form": form, "from_basket": from_basket}
    )


def basket_view(request):
    """The basket: what the member collected, and the button that sends one request for it all."""
    if request.method == "POST":
        kind, slug = request.POST.get("kind", ""), request.POST.get("slug", "")
        if request.POST.get("remove"):
            basket.basket_remove(request.session, kind=kind, slug=slug)
            messages.info(request, _("Removed from your request basket."))
        elif basket.basket_add(request.session, kind=kind, slug=slug):
            messages.success(request, _("Added to your request basket."))
        else:
            messages.warning(
                request,
                _("Not added: it is already in your basket, unknown, or the basket is full."),
            )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("collaborations:basket")
        return redirect(target)
    return render(
        request,
        "collaborations/basket.html",
        {
            "resources": basket.basket_resources(request.session),
            "can_request": is_member(request.user),
        },
    )


@login_required
def request_protocol(request, pk: int):
    """The request's protocol, for the requester, its providers (once forwarded) and curators."""
    collab = _visible_request(request, pk)
    if not collab.protocol:
        raise Http404
    return FileResponse(
        collab.protocol.open("rb"),
        as_attachment=True,
        filename=f"protocol-request-{collab.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
def request_list(request):
    """Requests the user may see: theirs, those to their units, or (curators) all."""
    visible = (
        CollaborationRequest.objects.visible_to(request.user)
        .select_related("requester")
        .order_by("-last_activity_at", "-pk")
    )
    mine = [r for r in visible if r.requester_id == request.user.pk]
    others = [r for r in visible if r.requester_id != request.user.pk]
    return render(
        request,
        "collaborations/request_list.html",
        {"mine": mine, "others": others, "is_curator": is_curator(request.user)},
    )


def _visible_request(request, pk) -> CollaborationRequest:
    found = (
        CollaborationRequest.objects.visible_to(request.user)
        .select_related("requester")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _detail(request, collab, *, refusal: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    items = list(
        collab.items.select_related(
            "platform__unit", "platform__contact", "collection__unit", "collection__contact"
        )
    )
    curator = is_curator(user)
    is_requester = collab.requester_id == user.pk
    provided = set(
        RequestItem.objects.for_provider(user).filter(request=collab).values_list("pk", flat=True)
    )
    if not (curator or is_requester):
        # A provider sees only their part of a request that names several providers.
        items = [item for item in items if item.pk in provided]
    rows = []
    for item in items:
        provider = item.pk in provided
        rows.append(
            {
                "item": item,
                "is_provider": provider,
                # The relay: the requester sees a provider's address only once they answered.
                "show_address": item.provider_email
                and (curator or provider or item.answer != RequestItem.Answer.PENDING),
                "can_answer": provider
                and not workflow.item_refusal(
                    item=item, user=user, answer=RequestItem.Answer.ACCEPTED
                ),
                # A prefix per resource keeps element ids unique when one provider answers several.
                "answer_form": AnswerForm(prefix=f"item-{item.pk}"),
            }
        )
    return render(
        request,
        "collaborations/request_detail.html",
        {
            "collab": collab,
            "rows": rows,
            "timeline": timeline.request_timeline(
                request=collab, items=None if (curator or is_requester) else items
            ),
            "actions": workflow.allowed_actions(request=collab, user=user),
            "comment_form": CommentForm(),
            "refusal": refusal,
            "is_requester": is_requester,
        },
        status=status,
    )


@login_required
def request_detail(request, pk: int):
    """A request, its resources, its history and the actions the user may take."""
    return _detail(request, _visible_request(request, pk))


ACTION_SERVICES = {
    "forward": workflow.request_forward,
    "return": workflow.request_return,
    "decline": workflow.request_decline,
    "resubmit": workflow.request_resubmit,
    "close": workflow.request_close,
}


@login_required
@require_POST
def request_action(request, pk: int, action: str):
    """Move a request to its next state; an action the state or role does not allow is refused."""
    collab = _visible_request(request, pk)
    service = ACTION_SERVICES.get(action)
    if service is None:
        raise Http404
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        service(request=collab, by=request.user, comment=comment)
    except workflow.TransitionError as error:
        collab.refresh_from_db()
        return _detail(request, collab, refusal=str(error), status=409)
    messages.success(
        request, _("Done: the request is now “%(state)s”.") % {"state": _state(collab)}
    )
    return redirect(collab)


def _state(collab) -> str:
    collab.refresh_from_db()
    return collab.get_state_display()


@login_required
@require_POST
def item_answer(request, pk: int, item_pk: int):
    """A provider answers for one requested resource."""
    collab = _visible_request(request, pk)
    item = get_object_or_404(RequestItem, pk=item_pk, request=collab)
    form = AnswerForm(request.POST, prefix=f"item-{item.pk}")
    if not form.is_valid():
        return _detail(request, collab, refusal=_("Choose an answer."), status=400)
    try:
        workflow.item_answer(
            item=item,
            by=request.user,
            answer=form.cleaned_data["answer"],
            comment=form.cleaned_data["comment"],
        )
    except workflow.TransitionError as error:
        collab.refresh_from_db()
        return _detail(request, collab, refusal=str(error), status=409)
    messages.success(request, _("Thank you: your answer was sent to the requester."))
    return redirect(collab)


@login_required
def request_edit(request, pk: int):
    """The requester updates a returned request and sends it back for screening."""
    collab = _visible_request(request, pk)
    refusal = workflow.request_refusal(request=collab, user=request.user, action="resubmit")
    if refusal:
        return _detail(request, collab, refusal=refusal, status=409)
    form = RequestForm(request.POST or None, request.FILES or None, instance=collab, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
                workflow.request_resubmit(
                    request=collab, by=request.user, comment=_("Updated request.")
                )
        except workflow.TransitionError as error:
            # Someone else moved the request meanwhile: keep the typed text, say why.
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your updated request was sent for screening."))
            return redirect(collab)
    return render(request, "collaborations/request_form.html", {"form": form, "collab": collab})
