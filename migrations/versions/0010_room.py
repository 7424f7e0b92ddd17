"""room mode and paper tallies

Revision ID: 0010_room
Revises: 0006_four_eyes
Create Date: 2026-12-01 17:04:20.990010

Issue 18, items 1 and 2: a session's room (short link, room count, running or not), the phones' tokens
and idea cards; a ballot is an account's or a room token's; a round can be held in a session; paper
tallies of a round (dots, or mean scores) with the number of people counted.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_room'
down_revision = '0009_kickoff'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('running', sa.Boolean(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('stopped_at', sa.DateTime(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_room_session_id_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name=op.f('fk_room_started_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room')),
    sa.UniqueConstraint('code', name=op.f('uq_room_code')),
    sa.UniqueConstraint('session_id', name=op.f('uq_room_session_id'))
    )
    op.create_table('room_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_room_token_room_id_room'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_token')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_room_token_secret_hash'))
    )
    with op.batch_alter_table('room_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_token_room_id'), ['room_id'], unique=False)

    op.create_table('round_tally',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('voters', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'], name=op.f('fk_round_tally_entered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['prioritisation_round.id'], name=op.f('fk_round_tally_round_id_prioritisation_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_tally'))
    )
    with op.batch_alter_table('round_tally', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_tally_round_id'), ['round_id'], unique=False)

    op.create_table('room_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('consent_named', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('new', 'accepted', 'discarded', name='room_card_status', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_room_card_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_room_card_measure_id_measure'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_room_card_room_id_room'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['token_id'], ['room_token.id'], name=op.f('fk_room_card_token_id_room_token'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_card'))
    )
    with op.batch_alter_table('room_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_card_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_card_token_id'), ['token_id'], unique=False)

    op.create_table('tally_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tally_id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Numeric(precision=10, scale=3), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['round_criterion.id'], name=op.f('fk_tally_entry_criterion_id_round_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_tally_entry_measure_id_measure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tally_id'], ['round_tally.id'], name=op.f('fk_tally_entry_tally_id_round_tally'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tally_entry')),
    sa.UniqueConstraint('tally_id', 'measure_id', 'criterion_id', name=op.f('uq_tally_entry_tally_id_measure_id_criterion_id'))
    )
    with op.batch_alter_table('tally_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tally_entry_tally_id'), ['tally_id'], unique=False)

    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_token_id', sa.Integer(), nullable=True))
        batch_op.alter_column('voter_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_ballot_room_token_id'), ['room_token_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_ballot_round_id_room_token_id'), ['round_id', 'room_token_id'])
        batch_op.create_foreign_key(batch_op.f('fk_ballot_room_token_id_room_token'), 'room_token', ['room_token_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_ballot_one_voter'), '(voter_id IS NULL) <> (room_token_id IS NULL)')

    with op.batch_alter_table('prioritisation_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_prioritisation_round_session_id'), ['session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_prioritisation_round_session_id_session'), 'session', ['session_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('prioritisation_round', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_prioritisation_round_session_id_session'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_prioritisation_round_session_id'))
        batch_op.drop_column('session_id')

    op.execute("DELETE FROM ballot WHERE voter_id IS NULL")
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ballot_one_voter'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_ballot_room_token_id_room_token'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_ballot_round_id_room_token_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_ballot_room_token_id'))
        batch_op.alter_column('voter_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('room_token_id')

    with op.batch_alter_table('tally_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tally_entry_tally_id'))

    op.drop_table('tally_entry')
    with op.batch_alter_table('room_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_card_token_id'))
        batch_op.drop_index(batch_op.f('ix_room_card_room_id'))

    op.drop_table('room_card')
    with op.batch_alter_table('round_tally', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_tally_round_id'))

    op.drop_table('round_tally')
    with op.batch_alter_table('room_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_token_room_id'))

    op.drop_table('room_token')
    op.drop_table('room')
