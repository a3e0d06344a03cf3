"""``manage.py api_token EMAIL [--name NAME]``: make a personal API token and print it (once)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from tracker.services.api_tokens import api_token_issue


class Command(BaseCommand):
    help = "Create an API token for the account with EMAIL and print it. Only its digest is kept."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Command line", help="What the token is for.")

    def handle(self, *args, email: str, name: str, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        _, token = api_token_issue(owner=user, name=name)
        self.stdout.write(token)
