"""L2MU, the spiking Legendre Memory Unit (Fra et al. 2024); so far its Legendre memory."""
