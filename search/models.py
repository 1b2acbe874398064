"""The vocabulary of the index, for "Mente du …?" suggestions."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Lower


class Word(models.Model):
    """A word as it occurs in open (not closed) agenda items, with how often."""

    word = models.CharField(max_length=100, primary_key=True, help_text="lower case")
    display = models.CharField(max_length=100, help_text="as first printed, e.g. KLAPjob")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [GinIndex(OpClass(Lower("word"), name="gin_trgm_ops"), name="word_trigram")]

    def __str__(self):
        return self.display
