def hello_world():
    print("Hello, world!")
    #> Hello, world!


if __name__ == "__main__":
    hello_world()
