from prefect.blocks.system import Secret

Secret(value="correct-horse-battery-staple").save("warehouse-password")
print("Saved secret/warehouse-password")
