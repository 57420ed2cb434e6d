// The pod sandbox's first process, for the images the test node runs (nothing is pulled).
module hangar.test/tools/pause

go 1.26.0
