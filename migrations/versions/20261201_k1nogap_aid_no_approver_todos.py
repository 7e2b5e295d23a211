"""aid: applications already waiting at a step org without an approver become "无人审批"
to-dos of the admins of the org above (what `aid.approvers.open_gap_todo` opens from now on)

Revision ID: k1nogap
Revises: j1orgname
Create Date: 2026-12-01 13:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'k1nogap'
down_revision = 'j1orgname'
branch_labels = None
depends_on = None


def upgrade():
    # the same text as open_gap_todo; waiting since the step's own to-do (or the submission)
    op.execute(
        "INSERT INTO todo_items (kind, object_id, org_id, org_path, exact_org, role, title, "
        "summary, version, action, waiting_since, batchable) "
        "SELECT 'aid_no_approver', a.id, COALESCE(up.id, o.id), COALESCE(up.path, o.path), "
        "false, 'admin', substr('无人审批：' || o.name, 1, 120), "
        "substr(p.name || ' · ' || a.beneficiary_name || '的申请在' || o.name "
        "|| '等待审批，该组织还没有审批人，请指定审批人', 1, 200), a.version, "
        "'/api/v1/orgs/' || o.id || '/officers', COALESCE(t.waiting_since, a.submitted_at), "
        "false "
        "FROM aid_applications a "
        "JOIN aid_programs p ON p.id = a.program_id "
        "JOIN orgs o ON o.id = a.step_org_id "
        "LEFT JOIN orgs up ON up.id = o.parent_id "
        "LEFT JOIN todo_items t ON t.kind = 'aid_application' AND t.object_id = a.id "
        "WHERE a.status = 'submitted' AND a.submitted_at IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM officer_roles r "
        "                WHERE r.org_id = o.id AND r.role = 'approver') "
        "AND NOT EXISTS (SELECT 1 FROM todo_items g "
        "                WHERE g.kind = 'aid_no_approver' AND g.object_id = a.id)"
    )


def downgrade():
    op.execute("DELETE FROM todo_items WHERE kind = 'aid_no_approver'")
