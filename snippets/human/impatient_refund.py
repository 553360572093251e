from refund import refund

if __name__ == "__main__":
    state = refund("A-1002", 12.5, patience=5, return_state=True)
    print(f"{state.name}: {state.message}")
