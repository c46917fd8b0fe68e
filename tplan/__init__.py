"""tplan: treatment-plan monitoring for IOP counselors."""
