
nb201-resnet
input0@Hb   
	stem/convinput (08@H!
stem/conv_bn	stem/conv0@H0
cell0/edge1_0/node0/relustem/conv_bn0@H<
cell0/edge1_0/convcell0/edge1_0/node0/relu (08@H3
cell0/edge1_0/conv_bncell0/edge1_0/conv0@H9
cell0/edge2_1/node1/relucell0/edge1_0/conv_bn0@H<
cell0/edge2_1/convcell0/edge2_1/node1/relu (08@H3
cell0/edge2_1/conv_bncell0/edge2_1/conv0@H.
cell0/edge3_0/identitystem/conv_bn0@H7
cell0/edge3_2/identitycell0/edge2_1/conv_bn0@HI
cell0/node3/addcell0/edge3_0/identitycell0/edge3_2/identity0@H3
cell1/edge1_0/node0/relucell0/node3/add0@H<
cell1/edge1_0/convcell1/edge1_0/node0/relu (08@H3
cell1/edge1_0/conv_bncell1/edge1_0/conv0@H9
cell1/edge2_1/node1/relucell1/edge1_0/conv_bn0@H<
cell1/edge2_1/convcell1/edge2_1/node1/relu (08@H3
cell1/edge2_1/conv_bncell1/edge2_1/conv0@H1
cell1/edge3_0/identitycell0/node3/add0@H7
cell1/edge3_2/identitycell1/edge2_1/conv_bn0@HI
cell1/node3/addcell1/edge3_0/identitycell1/edge3_2/identity0@H3
cell2/edge1_0/node0/relucell1/node3/add0@H<
cell2/edge1_0/convcell2/edge1_0/node0/relu (08@H3
cell2/edge1_0/conv_bncell2/edge1_0/conv0@H9
cell2/edge2_1/node1/relucell2/edge1_0/conv_bn0@H<
cell2/edge2_1/convcell2/edge2_1/node1/relu (08@H3
cell2/edge2_1/conv_bncell2/edge2_1/conv0@H1
cell2/edge3_0/identitycell1/node3/add0@H7
cell2/edge3_2/identitycell2/edge2_1/conv_bn0@HI
cell2/node3/addcell2/edge3_0/identitycell2/edge3_2/identity0@H3
cell3/edge1_0/node0/relucell2/node3/add0@H<
cell3/edge1_0/convcell3/edge1_0/node0/relu (08@H3
cell3/edge1_0/conv_bncell3/edge1_0/conv0@H9
cell3/edge2_1/node1/relucell3/edge1_0/conv_bn0@H<
cell3/edge2_1/convcell3/edge2_1/node1/relu (08@H3
cell3/edge2_1/conv_bncell3/edge2_1/conv0@H1
cell3/edge3_0/identitycell2/node3/add0@H7
cell3/edge3_2/identitycell3/edge2_1/conv_bn0@HI
cell3/node3/addcell3/edge3_0/identitycell3/edge3_2/identity0@H3
cell4/edge1_0/node0/relucell3/node3/add0@H<
cell4/edge1_0/convcell4/edge1_0/node0/relu (08@H3
cell4/edge1_0/conv_bncell4/edge1_0/conv0@H9
cell4/edge2_1/node1/relucell4/edge1_0/conv_bn0@H<
cell4/edge2_1/convcell4/edge2_1/node1/relu (08@H3
cell4/edge2_1/conv_bncell4/edge2_1/conv0@H1
cell4/edge3_0/identitycell3/node3/add0@H7
cell4/edge3_2/identitycell4/edge2_1/conv_bn0@HI
cell4/node3/addcell4/edge3_0/identitycell4/edge3_2/identity0@H,
reduction1/relu_acell4/node3/add0@H4
reduction1/conv_areduction1/relu_a  (08@H1
reduction1/conv_a_bnreduction1/conv_a0@H1
reduction1/relu_breduction1/conv_a_bn0@H4
reduction1/conv_breduction1/relu_b  (08@H1
reduction1/conv_b_bnreduction1/conv_b0@H5
reduction1/shortcut_pool	cell4/node3/add(0@H@
reduction1/shortcut_convreduction1/shortcut_pool  (0@HH
reduction1/addreduction1/conv_b_bnreduction1/shortcut_conv0@H2
cell5/edge1_0/node0/relureduction1/add0@H<
cell5/edge1_0/convcell5/edge1_0/node0/relu  (08@H3
cell5/edge1_0/conv_bncell5/edge1_0/conv0@H9
cell5/edge2_1/node1/relucell5/edge1_0/conv_bn0@H<
cell5/edge2_1/convcell5/edge2_1/node1/relu  (08@H3
cell5/edge2_1/conv_bncell5/edge2_1/conv0@H0
cell5/edge3_0/identityreduction1/add0@H7
cell5/edge3_2/identitycell5/edge2_1/conv_bn0@HI
cell5/node3/addcell5/edge3_0/identitycell5/edge3_2/identity0@H3
cell6/edge1_0/node0/relucell5/node3/add0@H<
cell6/edge1_0/convcell6/edge1_0/node0/relu  (08@H3
cell6/edge1_0/conv_bncell6/edge1_0/conv0@H9
cell6/edge2_1/node1/relucell6/edge1_0/conv_bn0@H<
cell6/edge2_1/convcell6/edge2_1/node1/relu  (08@H3
cell6/edge2_1/conv_bncell6/edge2_1/conv0@H1
cell6/edge3_0/identitycell5/node3/add0@H7
cell6/edge3_2/identitycell6/edge2_1/conv_bn0@HI
cell6/node3/addcell6/edge3_0/identitycell6/edge3_2/identity0@H3
cell7/edge1_0/node0/relucell6/node3/add0@H<
cell7/edge1_0/convcell7/edge1_0/node0/relu  (08@H3
cell7/edge1_0/conv_bncell7/edge1_0/conv0@H9
cell7/edge2_1/node1/relucell7/edge1_0/conv_bn0@H<
cell7/edge2_1/convcell7/edge2_1/node1/relu  (08@H3
cell7/edge2_1/conv_bncell7/edge2_1/conv0@H1
cell7/edge3_0/identitycell6/node3/add0@H7
cell7/edge3_2/identitycell7/edge2_1/conv_bn0@HI
cell7/node3/addcell7/edge3_0/identitycell7/edge3_2/identity0@H3
cell8/edge1_0/node0/relucell7/node3/add0@H<
cell8/edge1_0/convcell8/edge1_0/node0/relu  (08@H3
cell8/edge1_0/conv_bncell8/edge1_0/conv0@H9
cell8/edge2_1/node1/relucell8/edge1_0/conv_bn0@H<
cell8/edge2_1/convcell8/edge2_1/node1/relu  (08@H3
cell8/edge2_1/conv_bncell8/edge2_1/conv0@H1
cell8/edge3_0/identitycell7/node3/add0@H7
cell8/edge3_2/identitycell8/edge2_1/conv_bn0@HI
cell8/node3/addcell8/edge3_0/identitycell8/edge3_2/identity0@H3
cell9/edge1_0/node0/relucell8/node3/add0@H<
cell9/edge1_0/convcell9/edge1_0/node0/relu  (08@H3
cell9/edge1_0/conv_bncell9/edge1_0/conv0@H9
cell9/edge2_1/node1/relucell9/edge1_0/conv_bn0@H<
cell9/edge2_1/convcell9/edge2_1/node1/relu  (08@H3
cell9/edge2_1/conv_bncell9/edge2_1/conv0@H1
cell9/edge3_0/identitycell8/node3/add0@H7
cell9/edge3_2/identitycell9/edge2_1/conv_bn0@HI
cell9/node3/addcell9/edge3_0/identitycell9/edge3_2/identity0@H,
reduction2/relu_acell9/node3/add0@H4
reduction2/conv_areduction2/relu_a @(08@H1
reduction2/conv_a_bnreduction2/conv_a0@H1
reduction2/relu_breduction2/conv_a_bn0@H4
reduction2/conv_breduction2/relu_b @(08@H1
reduction2/conv_b_bnreduction2/conv_b0@H5
reduction2/shortcut_pool	cell9/node3/add(0@H@
reduction2/shortcut_convreduction2/shortcut_pool @(0@HH
reduction2/addreduction2/conv_b_bnreduction2/shortcut_conv0@H3
cell10/edge1_0/node0/relureduction2/add0@H>
cell10/edge1_0/convcell10/edge1_0/node0/relu @(08@H5
cell10/edge1_0/conv_bncell10/edge1_0/conv0@H;
cell10/edge2_1/node1/relucell10/edge1_0/conv_bn0@H>
cell10/edge2_1/convcell10/edge2_1/node1/relu @(08@H5
cell10/edge2_1/conv_bncell10/edge2_1/conv0@H1
cell10/edge3_0/identityreduction2/add0@H9
cell10/edge3_2/identitycell10/edge2_1/conv_bn0@HL
cell10/node3/addcell10/edge3_0/identitycell10/edge3_2/identity0@H5
cell11/edge1_0/node0/relucell10/node3/add0@H>
cell11/edge1_0/convcell11/edge1_0/node0/relu @(08@H5
cell11/edge1_0/conv_bncell11/edge1_0/conv0@H;
cell11/edge2_1/node1/relucell11/edge1_0/conv_bn0@H>
cell11/edge2_1/convcell11/edge2_1/node1/relu @(08@H5
cell11/edge2_1/conv_bncell11/edge2_1/conv0@H3
cell11/edge3_0/identitycell10/node3/add0@H9
cell11/edge3_2/identitycell11/edge2_1/conv_bn0@HL
cell11/node3/addcell11/edge3_0/identitycell11/edge3_2/identity0@H5
cell12/edge1_0/node0/relucell11/node3/add0@H>
cell12/edge1_0/convcell12/edge1_0/node0/relu @(08@H5
cell12/edge1_0/conv_bncell12/edge1_0/conv0@H;
cell12/edge2_1/node1/relucell12/edge1_0/conv_bn0@H>
cell12/edge2_1/convcell12/edge2_1/node1/relu @(08@H5
cell12/edge2_1/conv_bncell12/edge2_1/conv0@H3
cell12/edge3_0/identitycell11/node3/add0@H9
cell12/edge3_2/identitycell12/edge2_1/conv_bn0@HL
cell12/node3/addcell12/edge3_0/identitycell12/edge3_2/identity0@H5
cell13/edge1_0/node0/relucell12/node3/add0@H>
cell13/edge1_0/convcell13/edge1_0/node0/relu @(08@H5
cell13/edge1_0/conv_bncell13/edge1_0/conv0@H;
cell13/edge2_1/node1/relucell13/edge1_0/conv_bn0@H>
cell13/edge2_1/convcell13/edge2_1/node1/relu @(08@H5
cell13/edge2_1/conv_bncell13/edge2_1/conv0@H3
cell13/edge3_0/identitycell12/node3/add0@H9
cell13/edge3_2/identitycell13/edge2_1/conv_bn0@HL
cell13/node3/addcell13/edge3_0/identitycell13/edge3_2/identity0@H5
cell14/edge1_0/node0/relucell13/node3/add0@H>
cell14/edge1_0/convcell14/edge1_0/node0/relu @(08@H5
cell14/edge1_0/conv_bncell14/edge1_0/conv0@H;
cell14/edge2_1/node1/relucell14/edge1_0/conv_bn0@H>
cell14/edge2_1/convcell14/edge2_1/node1/relu @(08@H5
cell14/edge2_1/conv_bncell14/edge2_1/conv0@H3
cell14/edge3_0/identitycell13/node3/add0@H9
cell14/edge3_2/identitycell14/edge2_1/conv_bn0@HL
cell14/node3/addcell14/edge3_0/identitycell14/edge3_2/identity0@H&

lastact/bncell14/node3/add0@H"
lastact/relu
lastact/bn0@H,
head/global_avg_poollastact/relu0@H/
head/linearhead/global_avg_pool 
0@HP"
head/outputhead/linear0@H
"nb201*O|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|