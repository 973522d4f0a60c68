"""Neural-network building blocks on scalar Values: Module, Neuron, Layer, MLP, and the losses."""

from microopt.nn.layers import MLP, Layer, Neuron
from microopt.nn.losses import (accuracy, binary_cross_entropy_with_logits, cross_entropy,
                                hinge_loss, mse_loss)
from microopt.nn.module import Module

__all__ = [
    "Module", "Neuron", "Layer", "MLP",
    "mse_loss", "hinge_loss", "binary_cross_entropy_with_logits", "cross_entropy", "accuracy",
]
