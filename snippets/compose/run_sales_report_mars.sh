uv run python -c 'from sales_report import sales_report; sales_report(["eu", "mars"])'
