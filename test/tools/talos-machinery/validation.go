package main

import (
	"github.com/siderolabs/talos/pkg/machinery/config"
	"github.com/siderolabs/talos/pkg/machinery/config/generate/secrets"
	"github.com/siderolabs/talos/pkg/machinery/config/validation"
)

type validationOption = validation.Option

func withLocal() validationOption  { return validation.WithLocal() }
func withStrict() validationOption { return validation.WithStrict() }

// validateBundle calls secrets.Bundle.Validate, which takes the version contract from 1.14 on.
func validateBundle(bundle *secrets.Bundle, contract *config.VersionContract) error {
	switch b := any(bundle).(type) {
	case interface{ Validate(*config.VersionContract) error }:
		return b.Validate(contract)
	case interface{ Validate() error }:
		return b.Validate()
	}
	panic("secrets.Bundle has no Validate method")
}
