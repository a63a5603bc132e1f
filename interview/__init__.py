"""The web product: blueprints, database models, services and dashboards."""
