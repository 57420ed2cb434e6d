package main

import "github.com/siderolabs/talos/pkg/machinery/config/validation"

type validationOption = validation.Option

func withLocal() validationOption  { return validation.WithLocal() }
func withStrict() validationOption { return validation.WithStrict() }
