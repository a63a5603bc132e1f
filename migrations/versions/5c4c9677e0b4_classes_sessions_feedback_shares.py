"""classes, sessions, feedback, shares, consent and account tables

Revision ID: 5c4c9677e0b4
Revises: b435d48ca72c
Create Date: 2026-11-30 03:55:17.755468

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c4c9677e0b4'
down_revision = 'b435d48ca72c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('classroom',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instructor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('join_code', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instructor_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('join_code')
    )
    with op.batch_alter_table('classroom', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classroom_instructor_id'), ['instructor_id'], unique=False)

    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_user_id'), ['user_id'], unique=False)

    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_user_id'), ['user_id'], unique=False)

    op.create_table('question_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('question_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_set_owner_id'), ['owner_id'], unique=False)

    op.create_table('share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('recipient_email', sa.String(length=254), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_recipient_email'), ['recipient_email'], unique=False)

    op.create_table('class_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['classroom_id'], ['classroom.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('classroom_id', 'user_id')
    )
    with op.batch_alter_table('class_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_membership_user_id'), ['user_id'], unique=False)

    op.create_table('mock_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=True),
    sa.Column('question_set_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retakes_allowed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classroom.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_set_id'], ['question_set.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mock_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mock_session_classroom_id'), ['classroom_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mock_session_owner_id'), ['owner_id'], unique=False)

    op.create_table('question_set_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_set_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.ForeignKeyConstraint(['question_set_id'], ['question_set.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('question_set_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_set_item_question_set_id'), ['question_set_id'], unique=False)

    op.create_table('rubric_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['classroom_id'], ['classroom.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rubric_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_criterion_classroom_id'), ['classroom_id'], unique=False)

    op.create_table('share_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=True),
    sa.Column('viewer_label', sa.String(length=254), nullable=False),
    sa.Column('viewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['share_id'], ['share.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('share_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_view_share_id'), ['share_id'], unique=False)

    op.create_table('session_invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['mock_session.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('session_invite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_invite_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_invite_user_id'), ['user_id'], unique=False)

    op.create_table('session_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('time_limit_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['mock_session.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('session_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_item_session_id'), ['session_id'], unique=False)

    op.create_table('answer_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('at_seconds', sa.Float(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('answer_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_comment_attempt_id'), ['attempt_id'], unique=False)

    op.create_table('rubric_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['rubric_criterion.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('attempt_id', 'criterion_id')
    )
    with op.batch_alter_table('rubric_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_mark_attempt_id'), ['attempt_id'], unique=False)

    op.create_table('share_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['share_id'], ['share.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('share_id', 'attempt_id')
    )
    with op.batch_alter_table('share_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_item_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_item_share_id'), ['share_id'], unique=False)

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('keep_recording', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('recording_deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('feedback_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_attempt_session_item_id'), ['session_item_id'], unique=False)
        batch_op.create_foreign_key('fk_attempt_session_item_id_session_item', 'session_item', ['session_item_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_bank', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_question_author_id_user', 'user', ['author_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emotion_readings_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('camera_consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('microphone_consent_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('microphone_consent_at')
        batch_op.drop_column('camera_consent_at')
        batch_op.drop_column('emotion_readings_enabled')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint('fk_question_author_id_user', type_='foreignkey')
        batch_op.drop_column('author_id')
        batch_op.drop_column('in_bank')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint('fk_attempt_session_item_id_session_item', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attempt_session_item_id'))
        batch_op.drop_column('feedback_seen_at')
        batch_op.drop_column('recording_deleted_at')
        batch_op.drop_column('keep_recording')
        batch_op.drop_column('session_item_id')

    with op.batch_alter_table('share_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_item_share_id'))
        batch_op.drop_index(batch_op.f('ix_share_item_attempt_id'))

    op.drop_table('share_item')
    with op.batch_alter_table('rubric_mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_mark_attempt_id'))

    op.drop_table('rubric_mark')
    with op.batch_alter_table('answer_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_comment_attempt_id'))

    op.drop_table('answer_comment')
    with op.batch_alter_table('session_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_item_session_id'))

    op.drop_table('session_item')
    with op.batch_alter_table('session_invite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_invite_user_id'))
        batch_op.drop_index(batch_op.f('ix_session_invite_session_id'))

    op.drop_table('session_invite')
    with op.batch_alter_table('share_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_view_share_id'))

    op.drop_table('share_view')
    with op.batch_alter_table('rubric_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_criterion_classroom_id'))

    op.drop_table('rubric_criterion')
    with op.batch_alter_table('question_set_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_set_item_question_set_id'))

    op.drop_table('question_set_item')
    with op.batch_alter_table('mock_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mock_session_owner_id'))
        batch_op.drop_index(batch_op.f('ix_mock_session_classroom_id'))

    op.drop_table('mock_session')
    with op.batch_alter_table('class_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_membership_user_id'))

    op.drop_table('class_membership')
    with op.batch_alter_table('share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_recipient_email'))
        batch_op.drop_index(batch_op.f('ix_share_owner_id'))

    op.drop_table('share')
    with op.batch_alter_table('question_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_set_owner_id'))

    op.drop_table('question_set')
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_user_id'))

    op.drop_table('password_reset')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_user_id'))

    op.drop_table('notice')
    with op.batch_alter_table('classroom', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classroom_instructor_id'))

    op.drop_table('classroom')
