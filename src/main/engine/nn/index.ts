export { Module } from './module'
export { Linear, ReLU, Sigmoid, Flatten, Sequential, initParams, type LinearInit } from './layers'
