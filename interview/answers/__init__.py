"""Every page about one answer, whatever its modality: report, progress, replay media, delete."""
