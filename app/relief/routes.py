"""Relief endpoints: allocations between unions, transfer, receipt, payouts, report."""

from flask.views import MethodView

from app.auth.current import current_user
from app.core.http import ApiBlueprint
from app.relief import allocations
from app.relief.schemas import (
    AllocationCreate,
    AllocationOut,
    AllocationPage,
    AllocationQuery,
    PayoutBatchIn,
    PayoutBatchOut,
    ReliefReportOut,
    ReliefVersionIn,
    TransferIn,
)

blp = ApiBlueprint("relief", __name__, description="Relief between unions (对口援助)")


@blp.route("/relief/allocations")
class AllocationsView(MethodView):
    @blp.auth()
    @blp.arguments(AllocationCreate)
    @blp.response(201, AllocationOut)
    @blp.errors(404)
    def post(self, body):
        """Record a decided allocation to another org anywhere in the tree (admin of the
        giving org), with the meeting behind it."""
        return allocations.create_allocation(actor_id=current_user().id, **body)

    @blp.auth(forbidden=False)
    @blp.arguments(AllocationQuery, location="query")
    @blp.response(200, AllocationPage)
    def get(self, query):
        """Allocations given by or addressed to the caller's orgs, newest first."""
        return allocations.list_allocations(actor_id=current_user().id, **query)


@blp.route("/relief/allocations/<int:allocation_id>")
class AllocationView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, AllocationOut)
    @blp.errors(404)
    def get(self, allocation_id):
        """One allocation (officers of the giving or the receiving org)."""
        return allocations.get_allocation(current_user().id, allocation_id)


@blp.route("/relief/allocations/<int:allocation_id>/transfer")
class TransferView(MethodView):
    @blp.auth()
    @blp.arguments(TransferIn)
    @blp.response(200, AllocationOut)
    @blp.errors(404, 409)
    def post(self, body, allocation_id):
        """The money was sent (admin of the giving org), with the transfer voucher."""
        return allocations.transfer(actor_id=current_user().id, allocation_id=allocation_id,
                                    **body)


@blp.route("/relief/allocations/<int:allocation_id>/acknowledge")
class AcknowledgeView(MethodView):
    @blp.auth()
    @blp.arguments(ReliefVersionIn)
    @blp.response(200, AllocationOut)
    @blp.errors(404, 409)
    def post(self, body, allocation_id):
        """The money arrived (admin of the receiving org only)."""
        return allocations.acknowledge(actor_id=current_user().id,
                                       allocation_id=allocation_id, **body)


@blp.route("/relief/allocations/<int:allocation_id>/close")
class CloseView(MethodView):
    @blp.auth()
    @blp.arguments(ReliefVersionIn)
    @blp.response(200, AllocationOut)
    @blp.errors(404, 409)
    def post(self, body, allocation_id):
        """Close after the payouts (admin of the receiving org)."""
        return allocations.close(actor_id=current_user().id, allocation_id=allocation_id,
                                 **body)


@blp.route("/relief/allocations/<int:allocation_id>/payouts")
class PayoutsView(MethodView):
    @blp.auth()
    @blp.arguments(PayoutBatchIn)
    @blp.response(201, PayoutBatchOut)
    @blp.errors(404, 409)
    def post(self, body, allocation_id):
        """Pay a batch of affected workers or rescuers (admin of the receiving org): all or
        none; 409 allocation_exceeded when the sum would pass the allocation."""
        return allocations.pay_out(actor_id=current_user().id, allocation_id=allocation_id,
                                   **body)


@blp.route("/relief/allocations/<int:allocation_id>/report")
class ReportView(MethodView):
    @blp.auth(forbidden=False)
    @blp.response(200, ReliefReportOut)
    @blp.errors(404)
    def get(self, allocation_id):
        """The report back to the giver: totals, people, masked roster."""
        return allocations.report(actor_id=current_user().id, allocation_id=allocation_id)
