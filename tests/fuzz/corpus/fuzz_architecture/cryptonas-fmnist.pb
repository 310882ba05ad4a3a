
cryptonas-fmnist
input0@Hb 
	stem/convinput (08@H!
stem/conv_bn	stem/conv0@H#
layer0/relustem/conv_bn0@H(
layer0/convlayer0/relu (08@H%
layer0/conv_bnlayer0/conv0@H%
layer1/relulayer0/conv_bn0@H(
layer1/convlayer1/relu (08@H%
layer1/conv_bnlayer1/conv0@H*
pool0/avg_pool	layer1/conv_bn(0@H(

pool0/convpool0/avg_pool @(0@H#
pool0/conv_bn
pool0/conv0@H$
layer2/relupool0/conv_bn0@H(
layer2/convlayer2/relu @(08@H%
layer2/conv_bnlayer2/conv0@H%
layer3/relulayer2/conv_bn0@H(
layer3/convlayer3/relu @(08@H%
layer3/conv_bnlayer3/conv0@H*
pool1/avg_pool	layer3/conv_bn(0@H)

pool1/convpool1/avg_pool €(0@H#
pool1/conv_bn
pool1/conv0@H$
layer4/relupool1/conv_bn0@H)
layer4/convlayer4/relu €(08@H%
layer4/conv_bnlayer4/conv0@H%
layer5/relulayer4/conv_bn0@H)
layer5/convlayer5/relu €(08@H%
layer5/conv_bnlayer5/conv0@H.
head/global_avg_poollayer5/conv_bn0@H/
head/linearhead/global_avg_pool 
0@HP"
head/outputhead/linear0@H
"	cryptonas*6L6-C16:conv3x3|conv3x3|conv3x3|conv3x3|conv3x3|conv3x3