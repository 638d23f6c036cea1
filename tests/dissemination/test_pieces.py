"""The publicity piece's review flow (dissemination.pieces), each refusal in Chinese."""

import pytest

from branches.enums import Role
from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import Project
from dissemination import pieces as services
from dissemination.enums import PIECE_MOVES, PieceState
from dissemination.models import PublicityPiece
from notifications.models import Notification
from tests.dissemination.piece_helpers import draft, picture
from tests.factories import ProjectFactory, cultivating_project, user_with_role
from transitions.refusals import MoveRefused, NotAllowed

pytestmark = pytest.mark.django_db


def test_piece_is_returned_with_comments_resubmitted_and_approved(tree):
    project = cultivating_project(tree.branch_a1)
    image = picture(project, tree.secretary)
    piece = draft(tree, project, picture_ids=[image.pk])
    assert list(piece.pictures.all()) == [image] and piece.created_by == tree.secretary
    piece = services.piece_move(piece=piece, name="submit", actor=tree.secretary)
    assert Notification.objects.filter(user=tree.unit_staff, url=services.piece_url(piece)).exists()
    with pytest.raises(MoveRefused, match="须填写退回意见"):
        services.piece_return(piece=piece, actor=tree.unit_staff, comment="  ")
    piece = services.piece_return(piece=piece, actor=tree.unit_staff, comment="请补充活动成效")
    assert piece.state == PieceState.RETURNED and piece.return_reason == "请补充活动成效"
    assert Notification.objects.filter(user=tree.secretary, body__contains="请补充活动成效").exists()
    piece = services.piece_edit(piece=piece, actor=tree.secretary, kind="brief", title="新标题", body="补充了成效",
                                picture_ids=[], expected_version=piece.version)
    assert piece.pictures.count() == 0
    piece = services.piece_move(piece=piece, name="submit", actor=tree.secretary)
    piece = services.piece_move(piece=piece, name="endorse", actor=tree.unit_staff, comment="同意报送")
    piece = services.piece_return(piece=piece, actor=tree.staff, comment="标题再斟酌")
    piece = services.piece_move(piece=piece, name="submit", actor=tree.secretary)
    piece = services.piece_move(piece=piece, name="endorse", actor=tree.unit_staff, comment="同意报送")
    piece = services.piece_move(piece=piece, name="approve", actor=tree.staff, comment="同意发布")
    assert piece.state == PieceState.APPROVED and piece.approved_at is not None
    assert piece.unit_comment == "同意报送" and piece.school_comment == "同意发布"
    actions = set(Event.objects.filter(object_id=str(piece.pk), action__startswith="piece.")
                  .values_list("action", flat=True))
    assert {"piece.created", "piece.edited", "piece.submit", "piece.return_submitted", "piece.return_endorsed",
            "piece.endorse", "piece.approve"} <= actions


def test_direct_branch_piece_is_reviewed_by_the_organization_department_alone(tree):
    secretary = user_with_role(Role.SECRETARY, tree.direct, username="direct_secretary")
    project = cultivating_project(tree.direct)
    piece = services.piece_create(project=project, actor=secretary, kind="bulletin", title="工作专报", body="正文")
    piece = services.piece_move(piece=piece, name="submit", actor=secretary)
    assert Notification.objects.filter(user=tree.staff, url=services.piece_url(piece)).exists()
    piece = services.piece_move(piece=piece, name="endorse", actor=tree.staff)
    piece = services.piece_move(piece=piece, name="approve", actor=tree.staff)
    assert piece.state == PieceState.APPROVED


def test_piece_refusals_are_chinese(tree):
    with pytest.raises(MoveRefused, match="尚未确定为培育对象"):
        draft(tree, ProjectFactory(organization=tree.branch_a1))
    with pytest.raises(NotAllowed, match="只有本支部书记可以撰写宣传稿件"):
        services.piece_create(project=cultivating_project(tree.branch_b1), actor=tree.secretary, kind="story",
                              title="标题", body="正文")
    project = cultivating_project(tree.branch_a1)
    with pytest.raises(MoveRefused, match="请填写稿件标题"):
        draft(tree, project, title="  ")
    with pytest.raises(MoveRefused, match="请填写稿件正文"):
        draft(tree, project, body="")
    with pytest.raises(MoveRefused, match="请选择稿件类型"):
        draft(tree, project, kind="poem")
    foreign = cultivating_project(tree.branch_b1)
    their_image = picture(foreign, tree.other_secretary)
    with pytest.raises(MoveRefused, match="所选配图不是本项目上传的图片"):
        draft(tree, project, picture_ids=[their_image.pk])
    piece = draft(tree, project)
    with pytest.raises(MoveRefused, match="已在别处被修改"):
        services.piece_edit(piece=piece, actor=tree.secretary, kind="story", title="x", body="y",
                            expected_version=piece.version - 1)
    with pytest.raises(NotAllowed, match="只有本支部书记可以修改宣传稿件"):
        services.piece_edit(piece=piece, actor=tree.unit_staff, kind="story", title="x", body="y")
    with pytest.raises(NotAllowed, match="您无权审核通过"):
        services.piece_move(piece=piece, name="endorse", actor=tree.other_unit_staff)
    with pytest.raises(MoveRefused, match="宣传稿件当前状态为“草稿”，不能审核通过并发布"):
        services.piece_move(piece=piece, name="approve", actor=tree.staff)
    with pytest.raises(MoveRefused, match="没有这项操作"):
        services.piece_move(piece=piece, name="publish", actor=tree.staff)
    with pytest.raises(MoveRefused, match="意见不能超过2000字"):
        piece = services.piece_move(piece=piece, name="submit", actor=tree.secretary)
        services.piece_move(piece=piece, name="endorse", actor=tree.unit_staff, comment="好" * 2001)
    with pytest.raises(MoveRefused, match="当前状态为“已提交，待二级党组织审核”，不能修改"):
        services.piece_edit(piece=piece, actor=tree.secretary, kind="story", title="x", body="y")
    with pytest.raises(MoveRefused, match="刚刚已被他人处理|已被他人更新"):
        services.piece_move(piece=piece, name="endorse", actor=tree.unit_staff, expected_version=piece.version - 1)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.FAILED)
    with pytest.raises(MoveRefused, match="未通过验收”，不能再撰写或提交宣传稿件"):
        draft(tree, project)
    assert PublicityPiece.objects.filter(project=project).count() == 1


@pytest.mark.parametrize("name", list(PIECE_MOVES))
@pytest.mark.parametrize("state", list(PieceState))
def test_every_state_and_move_is_allowed_or_refused_as_the_table_says(tree, name, state):
    piece = draft(tree)
    PublicityPiece.objects.filter(pk=piece.pk).update(**{"state": state})
    piece.refresh_from_db()
    move = PIECE_MOVES[name]
    actor = tree.secretary if "secretary" in move.actors else tree.staff
    if state in move.sources:
        assert services.piece_move(piece=piece, name=name, actor=actor, comment="意见").state == move.target
    else:
        with pytest.raises(MoveRefused, match="宣传稿件当前状态为"):
            services.piece_move(piece=piece, name=name, actor=actor, comment="意见")
