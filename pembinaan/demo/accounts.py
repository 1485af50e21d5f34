"""Demo logins: one per role, sharing a published password (refused in production)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.lib.identifiers import format_phone

DEMO_PASSWORD = "demo12345"  # noqa: S105 - a published demo password, refused in production
DEMO_OWNER_PHONE = "+6281200000001"
CONSENT_VERSION = "demo-1"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    phone: str | None = None
    is_staff: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(roles.ADMIN, "admin@demo.umkm.test", "Admin Dinas (demo)", is_staff=True),
    DemoAccount(roles.STAFF, "staf@demo.umkm.test", "Rahmadi Saputra (Staf Dinas, demo)"),
    # Rule 14: the grant that staff proposes is approved and paid by two other people.
    DemoAccount(roles.APPROVER, "kabid@demo.umkm.test", "Hj. Norhayati (Kepala Bidang, demo)"),
    DemoAccount(roles.TREASURER, "bendahara@demo.umkm.test", "Akhmad Fauzi (Bendahara, demo)"),
    DemoAccount(roles.VIEWER, "pemantau@demo.umkm.test", "Pemantau DPRD Komisi II (demo)"),
    DemoAccount(roles.OWNER, "pemilik@demo.umkm.test", "Siti Aminah", phone=DEMO_OWNER_PHONE),
)


class AccountSteps:
    """The demo users, one per role, in `self.users` by role."""

    def _seed_accounts(self) -> None:
        # One hash for all demo users: hashing is deliberately slow, and the password is shared.
        password = make_password(DEMO_PASSWORD)
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL)}
        missing = set(roles.ALL) - set(groups)
        if missing:
            raise CommandError(f"Role groups missing ({', '.join(sorted(missing))}); run migrate first.")
        for account in DEMO_ACCOUNTS:
            if account.phone:
                taken = (
                    User.objects.filter(phone=account.phone, phone_confirmed_at__isnull=False)
                    .exclude(email=account.email)
                    .first()
                )
                if taken is not None:
                    raise CommandError(
                        f"Phone {account.phone} already belongs to user {taken.email or taken.pk}; "
                        "the demo owner account needs it."
                    )
            user = User.objects.filter(email=account.email).first() or User(email=account.email)
            user.full_name = account.full_name
            user.phone = account.phone
            # The demo owner logs in with the number at once, as after entering the code.
            user.phone_confirmed_at = timezone.now() if account.phone else None
            user.is_staff = account.is_staff
            user.is_active = True
            user.password = password
            user.save()
            user.groups.set([groups[account.role]])
            self.users[account.role] = user
        self.counts["users"] = len(DEMO_ACCOUNTS)


def login_lines() -> list[str]:
    """The demo logins as a small table, for the command to print."""
    rows = [("Role", "Login", "Password")]
    for account in DEMO_ACCOUNTS:
        login = account.email + (f" or {format_phone(account.phone)}" if account.phone else "")
        rows.append((account.role, login, DEMO_PASSWORD))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines
