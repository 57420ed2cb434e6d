module hangar.test/tools/wazero-run-1.6

go 1.26.0

require github.com/tetratelabs/wazero v1.6.0
