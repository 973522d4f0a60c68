"""Neural-network building blocks on scalar Values: Module, Neuron, Layer, MLP."""

from microopt.nn.layers import MLP, Layer, Neuron
from microopt.nn.module import Module

__all__ = ["Module", "Neuron", "Layer", "MLP"]
