from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import Versioned, db, in_values

if TYPE_CHECKING:
    from bostotte.auth.models import User
    from bostotte.citizens.models import Citizen, Plan
    from bostotte.scoring.models import Scoring

# The four goal themes of the Randers agreement (seed 001) and VUM's themes as a second list.
THEMES = {
    "mestring": "Mestring af eget liv",
    "uddannelse_beskaeftigelse": "Uddannelse og beskæftigelse",
    "sundhed": "Sundhed",
    "socialt_liv": "Socialt liv",
}
VUM_THEMES = {
    "vum_praktiske_opgaver": "Praktiske opgaver i hjemmet",
    "vum_samfundsliv": "Samfundsliv",
    "vum_socialt_liv": "Socialt liv (VUM)",
    "vum_sundhed": "Sundhed (VUM)",
    "vum_kommunikation": "Kommunikation",
    "vum_mobilitet": "Mobilitet",
    "vum_egenomsorg": "Egenomsorg",
}
ALL_THEMES = THEMES | VUM_THEMES

MAX_ACTIVE_GOALS = 3  # seed 001, l. 285-288: "op til tre mål"

GOAL_STATUSES = {
    "active": "Aktivt",
    "achieved": "Opnået",
    "partly_achieved": "Delvist opnået",
    "abandoned": "Opgivet",
    "replaced": "Erstattet",
}
SUBGOAL_STATUSES = {
    "not_started": "Ikke påbegyndt",
    "in_progress": "I gang",
    "achieved": "Opnået",
    "dropped": "Droppet",
}
# The delmål still being worked on: the portal's "next meeting", overdue delmål, reminders.
OPEN_SUBGOAL_STATUSES = ("not_started", "in_progress")
# Methods a delmål can be worked on with (seed 000: each delmål carries a method): the
# built-in list; the municipality renames, hides and adds to it (goals.methods).
SUBGOAL_METHODS = {
    "MI": "Motivationssamtalen (MI)",
    "ICM": "Intensive Case Management (ICM)",
    "CTI": "Critical Time Intervention (CTI)",
    "neuro": "Neuropædagogik",
    "recovery": "Recovery-orienteret støtte",
    "praktisk": "Praktisk træning",
    "narrativ": "Narrativ praksis",
    "andet": "Andet",
}
# The fields a change can touch, with the words the history shows for them.
GOAL_FIELD_LABELS = {
    "theme": "Tema",
    "specific": "Mål",
    "measurable": "Målbart",
    "agreed": "Aftalt med borgeren",
    "agreed_on": "Aftalt den",
    "realistic": "Realistisk",
    "target_date": "Måldato",
    "status": "Status",
    "closed_on": "Afsluttet den",
    "close_reason": "Begrundelse",
    "created_on": "Sat den",
}
SUBGOAL_FIELD_LABELS = {
    "title": "Delmål",
    "method": "Metode",
    "approach": "Fremgangsmåde",
    "target_date": "Måldato",
    "status": "Status",
}


class Goal(Versioned, db.Model):
    """Indsatsmål: at most three active per plan."""

    __tablename__ = "goals"
    __table_args__ = (CheckConstraint(in_values("status", GOAL_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    # Denormalised from the plan so statistics can group goals by citizen without a join.
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), index=True
    )
    theme: Mapped[str] = mapped_column(String(40))
    specific: Mapped[str] = mapped_column(Text)
    measurable: Mapped[str | None] = mapped_column(Text)
    agreed: Mapped[bool] = mapped_column(default=False)
    agreed_on: Mapped[date | None]
    realistic: Mapped[str | None] = mapped_column(Text)
    target_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="active")
    close_reason: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None]
    created_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="goals")
    citizen: Mapped[Citizen] = relationship()
    created_by: Mapped[User | None] = relationship()
    subgoals: Mapped[list[SubGoal]] = relationship(back_populates="goal", order_by="SubGoal.id")
    # The goal's FKO scorings, oldest first: its history of support need (read by the API).
    fko_history: Mapped[list[Scoring]] = relationship(
        viewonly=True, order_by="(Scoring.scored_on, Scoring.id)"
    )

    @property
    def theme_label(self) -> str:
        return ALL_THEMES.get(self.theme, self.theme)

    @property
    def status_label(self) -> str:
        return GOAL_STATUSES[self.status]


class SubGoal(Versioned, db.Model):
    """Delmål: a concrete step towards a goal, worked on with a method."""

    __tablename__ = "subgoals"
    __table_args__ = (CheckConstraint(in_values("status", SUBGOAL_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(40))
    approach: Mapped[str | None] = mapped_column(Text)  # fremgangsmåde
    target_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    created_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="subgoals")
    notes: Mapped[list[SubGoalNote]] = relationship(
        back_populates="subgoal", order_by="(SubGoalNote.noted_on.desc(), SubGoalNote.id.desc())"
    )

    @property
    def status_label(self) -> str:
        return SUBGOAL_STATUSES[self.status]

    @property
    def method_label(self) -> str:
        from bostotte.goals.methods import method_label  # noqa: PLC0415 (methods reads models)

        return method_label(self.method)


class PedagogicalMethod(db.Model):
    """The municipality's change to the method list (goals.methods): a built-in method
    renamed or hidden, or one of its own added. Hidden: not offered for a new delmål; the
    delmål that have it keep it, with its name."""

    __tablename__ = "pedagogical_methods"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubGoalNote(db.Model):
    """A dated progress note on a delmål."""

    __tablename__ = "subgoal_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    subgoal_id: Mapped[int] = mapped_column(
        ForeignKey("subgoals.id", ondelete="CASCADE"), index=True
    )
    noted_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subgoal: Mapped[SubGoal] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class GoalRevision(db.Model):
    """One change to a goal or to one of its delmål: who made it, when, and each field it
    changed, from what to what. Like a scoring's revisions, edits never overwrite silently;
    the version replaced is kept as the fields' earlier values."""

    __tablename__ = "goal_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    # Set when the change was to a delmål of the goal, empty when to the goal itself.
    subgoal_id: Mapped[int | None] = mapped_column(
        ForeignKey("subgoals.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]  # the record's version this change replaced
    # {field: [before, after]}, dates as ISO text.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Empty when no login made the change: the four-file import.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    replaced_by: Mapped[User | None] = relationship()
