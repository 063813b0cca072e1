print("discoveryd")
